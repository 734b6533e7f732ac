import boto3


def lambda_handler(event, context):
    return {"boto3": boto3.__name__, "region": boto3.session.Session().region_name}
