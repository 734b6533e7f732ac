exports.handler = async () => [require('layerlib').name, require('layerlib20').name];
