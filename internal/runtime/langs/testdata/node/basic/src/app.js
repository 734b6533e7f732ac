exports.handler = async (event) => ({ from: 'src/app', event });
