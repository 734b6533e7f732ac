import decimal
import logging
import os

logger = logging.getLogger()
count = 0


def lambda_handler(event, context):
    return {"echo": event, "fn": context.function_name}


def returns_none(event, context):
    pass


def raises(event, context):
    raise ValueError("boom")


def custom(event, context):
    class MyError(Exception):
        pass

    raise MyError("mine")


def unserializable(event, context):
    return {1, 2}


def decimals(event, context):
    return {"price": decimal.Decimal("1.10"), "big": decimal.Decimal("12345678901234567890.123"), "nan": decimal.Decimal("NaN"), "f": 0.5}


def unicode(event, context):
    return {"s": "h\u00e9llo \u2603"}


def context_fields(event, context):
    return {
        "function_name": context.function_name,
        "function_version": context.function_version,
        "invoked_function_arn": context.invoked_function_arn,
        "memory_limit_in_mb": context.memory_limit_in_mb,
        "aws_request_id": context.aws_request_id,
        "log_group_name": context.log_group_name,
        "log_stream_name": context.log_stream_name,
        "identity": [context.identity.cognito_identity_id, context.identity.cognito_identity_pool_id],
        "client_context": [context.client_context.custom, context.client_context.env, context.client_context.client.app_title],
        "remaining_positive": context.get_remaining_time_in_millis() > 0,
        "trace_id": os.environ.get("_X_AMZN_TRACE_ID"),
    }


def logs(event, context):
    print("printed")
    logger.info("info %s", "hidden")
    logger.warning("warn %s", "shown")
    logger.error("multi\nline")
    return "ok"


def counter(event, context):
    global count
    count += 1
    return count


def sdk_at_invoke(event, context):
    import boto3  # noqa: F401

    return "imported"
