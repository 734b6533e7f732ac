import layerlib from 'layerlib';
import layerlib20 from 'layerlib20';

export const handler = async () => [layerlib.name, layerlib20.name];
