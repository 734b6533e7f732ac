NAME = "layerlib"
