export const handler = async () => ({ module: typeof require });
