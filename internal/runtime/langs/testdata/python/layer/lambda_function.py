import layerlib


def lambda_handler(event, context):
    return layerlib.NAME
