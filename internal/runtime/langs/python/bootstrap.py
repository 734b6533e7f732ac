"""hako's Lambda Runtime API client for the Python runtimes (python3.9 to
python3.13), run with the host's python3. It behaves like AWS's
aws-lambda-python-runtime-interface-client: handler resolution, the context
object, the logging setup, the JSON encoding of results and the error JSON
are the same.

Usage: python3 bootstrap.py [HOST_PYTHONPATH [HOST_USER_BASE]]
"""

import json
import logging
import os
import socket
import sys
import time
import traceback

ERROR_LOG_LINE_TERMINATE = "\r"
ERROR_LOG_IDENT = "\u00a0"  # NO-BREAK SPACE U+00A0
_DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%S"

LAMBDA_UNHANDLED_EXCEPTION_WARNING_MESSAGE = (
    "LAMBDA_WARNING: "
    "Unhandled exception. "
    "The most likely cause is an issue in the function code. "
    "However, in rare cases, a Lambda runtime update can cause unexpected function behavior. "
    "For functions using managed runtimes, runtime updates can be triggered by a function change, or can be applied automatically. "
    "To determine if the runtime has been updated, check the runtime version in the INIT_START log entry. "
    "If this error correlates with a change in the runtime version, you may be able to mitigate this error by temporarily rolling back to the previous runtime version. "
    "For more information, see https://docs.aws.amazon.com/lambda/latest/dg/runtimes-update.html"
)

_EXECUTION_ENV = os.environ.get("AWS_EXECUTION_ENV", "")
_RUNTIME_NAME = (
    _EXECUTION_ENV[len("AWS_Lambda_"):]
    if _EXECUTION_ENV.startswith("AWS_Lambda_")
    else "python%d.%d" % sys.version_info[:2]
)


class FaultException(Exception):
    MARSHAL_ERROR = "Runtime.MarshalError"
    UNMARSHAL_ERROR = "Runtime.UnmarshalError"
    USER_CODE_SYNTAX_ERROR = "Runtime.UserCodeSyntaxError"
    HANDLER_NOT_FOUND = "Runtime.HandlerNotFound"
    IMPORT_MODULE_ERROR = "Runtime.ImportModuleError"
    BUILT_IN_MODULE_CONFLICT = "Runtime.BuiltInModuleConflict"
    MALFORMED_HANDLER_NAME = "Runtime.MalformedHandlerName"
    LAMBDA_CONTEXT_UNMARSHAL_ERROR = "Runtime.LambdaContextUnmarshalError"
    LAMBDA_RUNTIME_CLIENT_ERROR = "Runtime.LambdaRuntimeClientError"

    def __init__(self, exception_type, msg, trace=None):
        self.msg = msg
        self.exception_type = exception_type
        self.trace = trace


# ---------------------------------------------------------------------------
# Module search path: what it is on Lambda, with the layers under
# $HAKO_OPT_DIR instead of /opt, and the host's site-packages standing in
# for the runtime's bundled boto3.


def _setup_sys_path(task_root):
    version = _RUNTIME_NAME[len("python"):] if _RUNTIME_NAME.startswith("python") else ""
    front = [task_root]
    opt = os.environ.get("HAKO_OPT_DIR", "")
    if opt:
        host = "%d.%d" % sys.version_info[:2]
        for v in [version, host] if version and version != host else [host]:
            front.append(os.path.join(opt, "python", "lib", "python" + v, "site-packages"))
        front.append(os.path.join(opt, "python"))
    here = os.path.dirname(os.path.abspath(__file__))
    rest = [p for p in sys.path if p and os.path.abspath(p) != here and p not in front]
    sys.path[:] = front + rest
    # The host's PYTHONPATH and user site, which the sandbox does not inherit.
    if len(sys.argv) > 1:
        for p in sys.argv[1].split(os.pathsep):
            if p and p not in sys.path:
                sys.path.append(p)
    if len(sys.argv) > 2 and sys.argv[2] and not sys.flags.no_user_site and not sys.flags.no_site:
        user_site = os.path.join(
            sys.argv[2], "lib", "python%d.%d" % sys.version_info[:2], "site-packages"
        )
        if os.path.isdir(user_site) and user_site not in sys.path:
            import site

            site.addsitedir(user_site)


# ---------------------------------------------------------------------------
# JSON, as the runtime's simplejson encoder writes it: Decimal as a raw
# number, NaN as NaN, non-ASCII escaped except on python3.12.


class _RawNumber(float):
    """A Decimal on its way to the encoder, written as its own text."""

    __slots__ = ("text",)


class _NeedsDecimal(Exception):
    pass


def _import_decimal():
    import decimal

    return decimal


class Encoder(object):
    def __init__(self):
        self.ensure_ascii = _EXECUTION_ENV not in {"AWS_Lambda_python3.12"}
        self._fast = json.JSONEncoder(ensure_ascii=self.ensure_ascii, default=self._fast_default)

    def _fast_default(self, obj):
        if isinstance(obj, _import_decimal().Decimal):
            raise _NeedsDecimal()
        raise TypeError(f"Object of type {obj.__class__.__name__} is not JSON serializable")

    def encode(self, obj):
        try:
            return self._fast.encode(obj)
        except _NeedsDecimal:
            return self._slow_encode(obj)

    def _slow_encode(self, obj):
        decimal = _import_decimal()
        enc = json.encoder

        def default(o):
            if isinstance(o, decimal.Decimal):
                if o.is_nan():
                    return float("nan")
                r = _RawNumber(0.0)
                r.text = str(o)
                return r
            raise TypeError(f"Object of type {o.__class__.__name__} is not JSON serializable")

        def floatstr(o, _repr=float.__repr__, _inf=float("inf"), _neginf=-float("inf")):
            if type(o) is _RawNumber:
                return o.text
            if o != o:
                return "NaN"
            if o == _inf:
                return "Infinity"
            if o == _neginf:
                return "-Infinity"
            return _repr(o)

        encoder = enc.encode_basestring_ascii if self.ensure_ascii else enc.encode_basestring
        iterencode = enc._make_iterencode(
            {}, default, encoder, None, floatstr, ": ", ", ", False, False, True
        )
        return "".join(iterencode(obj, 0))


_encoder = Encoder()


def to_json(obj):
    return _encoder.encode(obj)


class LambdaMarshaller:
    def unmarshal_request(self, request, content_type="application/json"):
        if content_type != "application/json":
            return request
        try:
            return json.loads(request)
        except Exception as e:
            raise FaultException(
                FaultException.UNMARSHAL_ERROR,
                "Unable to unmarshal input: {}".format(str(e)),
                None,
            )

    def marshal_response(self, response):
        if isinstance(response, bytes):
            return response, "application/unknown"
        try:
            return _encoder.encode(response), "application/json"
        except Exception as e:
            raise FaultException(
                FaultException.MARSHAL_ERROR,
                "Unable to marshal response: {}".format(str(e)),
                None,
            )


# ---------------------------------------------------------------------------
# Runtime API client: one persistent keep-alive connection, plain HTTP/1.1.


class LambdaRuntimeClientError(Exception):
    def __init__(self, endpoint, response_code, response_body):
        self.endpoint = endpoint
        self.response_code = response_code
        self.response_body = response_body
        super().__init__(
            f"Request to Lambda Runtime '{endpoint}' endpoint failed. Reason: '{response_code}'. Response body: '{response_body}'"
        )


class InvocationRequest(object):
    __slots__ = (
        "invoke_id",
        "x_amzn_trace_id",
        "invoked_function_arn",
        "deadline_time_in_ms",
        "client_context",
        "cognito_identity",
        "content_type",
        "tenant_id",
        "event_body",
    )


class LambdaRuntimeClient(object):
    marshaller = LambdaMarshaller()

    def __init__(self, address):
        self.address = address
        host, _, port = address.rpartition(":")
        self.host = host.strip("[]")
        self.port = int(port)
        self.user_agent = "hako-lambda-python/%d.%d.%d" % sys.version_info[:3]
        self.sock = None
        self.rfile = None

    def _connect(self):
        self.close()
        sock = socket.create_connection((self.host, self.port))
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock = sock
        self.rfile = sock.makefile("rb")

    def close(self):
        if self.rfile is not None:
            try:
                self.rfile.close()
            except OSError:
                pass
        if self.sock is not None:
            try:
                self.sock.close()
            except OSError:
                pass
        self.sock = self.rfile = None

    def _request(self, method, path, body=None, headers=None, content_type="application/json"):
        head = "%s %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: %s\r\n" % (
            method,
            path,
            self.address,
            self.user_agent,
        )
        if headers:
            for k, v in headers.items():
                head += "%s: %s\r\n" % (k, v)
        if body is not None:
            head += "Content-Type: %s\r\nContent-Length: %d\r\n" % (content_type, len(body))
        data = (head + "\r\n").encode("latin-1")
        if body is not None:
            data += body
        for attempt in (0, 1):
            fresh = self.sock is None
            if fresh:
                self._connect()
            try:
                self.sock.sendall(data)
                return self._read_response()
            except (ConnectionError, _Closed):
                # A kept-alive connection the server closed while idle.
                self.close()
                if fresh or attempt:
                    raise

    def _read_response(self):
        rfile = self.rfile
        line = rfile.readline(65537)
        if not line:
            raise _Closed()
        parts = line.split(None, 2)
        status = int(parts[1])
        headers = {}
        while True:
            h = rfile.readline(65537)
            if h in (b"\r\n", b"\n", b""):
                break
            k, _, v = h.decode("latin-1").partition(":")
            headers[k.strip().lower()] = v.strip()
        if "chunked" in headers.get("transfer-encoding", "").lower():
            chunks = []
            while True:
                size = int(rfile.readline(65537).split(b";", 1)[0], 16)
                if size == 0:
                    while rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(rfile.read(size))
                rfile.readline(65537)
            body = b"".join(chunks)
        elif "content-length" in headers:
            n = int(headers["content-length"])
            body = rfile.read(n) if n else b""
            if len(body) < n:
                raise _Closed()
        elif status in (204, 304):
            body = b""
        else:
            body = rfile.read()
            self.close()
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, headers, body

    def post_init_error(self, error_response_data, error_type_override=None):
        endpoint = "/2018-06-01/runtime/init/error"
        error_type = error_type_override or error_response_data["errorType"]
        status, _, body = self._request(
            "POST",
            endpoint,
            to_json(error_response_data).encode("utf-8"),
            {"Lambda-Runtime-Function-Error-Type": _header_value(error_type)},
        )
        if status != 202:
            raise LambdaRuntimeClientError(endpoint, status, body)

    def wait_next_invocation(self):
        endpoint = "/2018-06-01/runtime/invocation/next"
        try:
            status, headers, body = self._request("GET", endpoint)
        except Exception as e:
            raise FaultException(
                FaultException.LAMBDA_RUNTIME_CLIENT_ERROR,
                "LAMBDA_RUNTIME Failed to get next invocation: {}".format(str(e)),
                None,
            )
        if status != 200:
            raise LambdaRuntimeClientError(endpoint, status, body)
        r = InvocationRequest()
        r.invoke_id = headers.get("lambda-runtime-aws-request-id")
        r.x_amzn_trace_id = headers.get("lambda-runtime-trace-id") or None
        r.invoked_function_arn = headers.get("lambda-runtime-invoked-function-arn")
        deadline = headers.get("lambda-runtime-deadline-ms")
        r.deadline_time_in_ms = int(deadline) if deadline else 0
        r.client_context = headers.get("lambda-runtime-client-context") or None
        r.cognito_identity = headers.get("lambda-runtime-cognito-identity") or None
        r.content_type = headers.get("content-type") or None
        r.tenant_id = headers.get("lambda-runtime-aws-tenant-id") or None
        r.event_body = body
        return r

    def post_invocation_result(self, invoke_id, result_data, content_type="application/json"):
        endpoint = "/2018-06-01/runtime/invocation/%s/response" % invoke_id
        data = result_data if isinstance(result_data, bytes) else result_data.encode("utf-8")
        status, _, body = self._request("POST", endpoint, data, None, content_type)
        if status != 202:
            raise LambdaRuntimeClientError(endpoint, status, body)

    def post_invocation_error(self, invoke_id, error_response_data, error_type):
        endpoint = "/2018-06-01/runtime/invocation/%s/error" % invoke_id
        status, _, body = self._request(
            "POST",
            endpoint,
            error_response_data.encode("utf-8"),
            {"Lambda-Runtime-Function-Error-Type": _header_value(error_type)},
        )
        if status != 202:
            raise LambdaRuntimeClientError(endpoint, status, body)


class _Closed(Exception):
    pass


def _header_value(s):
    return "".join(c for c in str(s or "") if " " <= c <= "~")


# ---------------------------------------------------------------------------
# The context object


# The sandbox's configuration does not change while it runs; reading it once
# keeps os.environ off the per-invocation path.
_LOG_GROUP_NAME = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
_LOG_STREAM_NAME = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
_FUNCTION_NAME = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
_MEMORY_LIMIT_IN_MB = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
_FUNCTION_VERSION = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")


class LambdaContext(object):
    def __init__(
        self,
        invoke_id,
        client_context,
        cognito_identity,
        epoch_deadline_time_in_ms,
        invoked_function_arn=None,
        tenant_id=None,
    ):
        self.aws_request_id = invoke_id
        self.log_group_name = _LOG_GROUP_NAME
        self.log_stream_name = _LOG_STREAM_NAME
        self.function_name = _FUNCTION_NAME
        self.memory_limit_in_mb = _MEMORY_LIMIT_IN_MB
        self.function_version = _FUNCTION_VERSION
        self.invoked_function_arn = invoked_function_arn
        self.tenant_id = tenant_id

        self.client_context = make_obj_from_dict(ClientContext, client_context)
        if self.client_context is not None:
            self.client_context.client = make_obj_from_dict(Client, self.client_context.client)

        self.identity = make_obj_from_dict(CognitoIdentity, {})
        if cognito_identity is not None:
            self.identity.cognito_identity_id = cognito_identity.get("cognitoIdentityId")
            self.identity.cognito_identity_pool_id = cognito_identity.get("cognitoIdentityPoolId")

        self._epoch_deadline_time_in_ms = epoch_deadline_time_in_ms

    def get_remaining_time_in_millis(self):
        epoch_now_in_ms = int(time.time() * 1000)
        delta_ms = self._epoch_deadline_time_in_ms - epoch_now_in_ms
        return delta_ms if delta_ms > 0 else 0

    def log(self, msg):
        for handler in logging.getLogger().handlers:
            if hasattr(handler, "log_sink"):
                handler.log_sink.log(str(msg))
                return
        sys.stdout.write(str(msg))

    def __repr__(self):
        return (
            f"{self.__class__.__name__}(["
            f"aws_request_id={self.aws_request_id},"
            f"log_group_name={self.log_group_name},"
            f"log_stream_name={self.log_stream_name},"
            f"function_name={self.function_name},"
            f"memory_limit_in_mb={self.memory_limit_in_mb},"
            f"function_version={self.function_version},"
            f"invoked_function_arn={self.invoked_function_arn},"
            f"client_context={self.client_context},"
            f"identity={self.identity},"
            f"tenant_id={self.tenant_id}"
            "])"
        )


class CognitoIdentity(object):
    __slots__ = ["cognito_identity_id", "cognito_identity_pool_id"]

    def __repr__(self):
        return (
            f"{self.__class__.__name__}(["
            f"cognito_identity_id={self.cognito_identity_id},"
            f"cognito_identity_pool_id={self.cognito_identity_pool_id}"
            "])"
        )


class Client(object):
    __slots__ = [
        "installation_id",
        "app_title",
        "app_version_name",
        "app_version_code",
        "app_package_name",
    ]

    def __repr__(self):
        return (
            f"{self.__class__.__name__}(["
            f"installation_id={self.installation_id},"
            f"app_title={self.app_title},"
            f"app_version_name={self.app_version_name},"
            f"app_version_code={self.app_version_code},"
            f"app_package_name={self.app_package_name}"
            "])"
        )


class ClientContext(object):
    __slots__ = ["custom", "env", "client"]

    def __repr__(self):
        return (
            f"{self.__class__.__name__}(["
            f"custom={self.custom},"
            f"env={self.env},"
            f"client={self.client}"
            "])"
        )


def make_obj_from_dict(_class, _dict):
    if _dict is None:
        return None
    obj = _class()
    for field in _class.__slots__:
        setattr(obj, field, _dict.get(field, None))
    return obj


# ---------------------------------------------------------------------------
# Loading the handler


def _sdk_hint(exc):
    """Explains a missing boto3/botocore, which Lambda's runtimes include and
    the host's python3 may lack. Empty when exc is about something else."""
    name = getattr(exc, "name", None)
    if not isinstance(exc, ModuleNotFoundError) or name not in ("boto3", "botocore"):
        return ""
    return (
        'hako runs %s functions with the host\'s python3 (%s %d.%d.%d), which has no %s: '
        'install it with "python3 -m pip install boto3" or "apt-get install python3-boto3", '
        "or ship it in the function's zip or a layer."
        % ((_RUNTIME_NAME, sys.executable) + tuple(sys.version_info[:3]) + (name,))
    )


def _with_hint(msg, exc):
    hint = _sdk_hint(exc)
    return msg + ". " + hint if hint else msg


def _get_handler(handler):
    try:
        modname, fname = handler.rsplit(".", 1)
    except ValueError as e:
        raise FaultException(
            FaultException.MALFORMED_HANDLER_NAME,
            "Bad handler '{}': {}".format(handler, str(e)),
        )

    try:
        if modname.split(".")[0] in sys.builtin_module_names:
            raise FaultException(
                FaultException.BUILT_IN_MODULE_CONFLICT,
                "Cannot use built-in module {} as a handler module".format(modname),
            )
        import importlib

        m = importlib.import_module(modname.replace("/", "."))
    except ImportError as e:
        raise FaultException(
            FaultException.IMPORT_MODULE_ERROR,
            _with_hint("Unable to import module '{}': {}".format(modname, str(e)), e),
        )
    except SyntaxError as e:
        trace = ['  File "%s" Line %s\n    %s' % (e.filename, e.lineno, e.text)]
        raise FaultException(
            FaultException.USER_CODE_SYNTAX_ERROR,
            "Syntax error in module '{}': {}".format(modname, str(e)),
            trace,
        )

    try:
        request_handler = getattr(m, fname)
    except AttributeError:
        raise FaultException(
            FaultException.HANDLER_NOT_FOUND,
            "Handler '{}' missing on module '{}'".format(fname, modname),
            None,
        )
    return request_handler


# ---------------------------------------------------------------------------
# Errors


def make_error(error_message, error_type, stack_trace, invoke_id=None):
    return {
        "errorMessage": error_message if error_message else "",
        "errorType": error_type if error_type else "",
        "requestId": invoke_id if invoke_id is not None else "",
        "stackTrace": stack_trace if stack_trace else [],
    }


def replace_line_indentation(line, indent_char, new_indent_char):
    ident_chars_count = 0
    for c in line:
        if c != indent_char:
            break
        ident_chars_count += 1
    return (new_indent_char * ident_chars_count) + line[ident_chars_count:]


def extract_traceback(tb):
    return [
        (frame.filename, frame.lineno, frame.name, frame.line)
        for frame in traceback.extract_tb(tb)
    ]


def _user_frames(tb):
    tb_tuples = extract_traceback(tb)
    for i in range(len(tb_tuples)):
        if "/bootstrap.py" not in tb_tuples[i][0]:
            return tb_tuples[i:]
    return tb_tuples


def build_fault_result(exc_info, msg):
    etype, value, tb = exc_info
    return make_error(
        msg if msg else _with_hint(str(value), value),
        etype.__name__,
        traceback.format_list(_user_frames(tb)),
    )


# ---------------------------------------------------------------------------
# Logging


class LogFormat:
    JSON = 0
    TEXT = 1

    @classmethod
    def from_str(cls, value):
        if value and value.upper() == "JSON":
            return cls.JSON
        return cls.TEXT


def _get_log_level_from_env_var(log_level):
    return {None: "", "TRACE": "DEBUG"}.get(log_level, log_level).upper()


_AWS_LAMBDA_LOG_FORMAT = LogFormat.from_str(os.environ.get("AWS_LAMBDA_LOG_FORMAT"))
_AWS_LAMBDA_LOG_LEVEL = _get_log_level_from_env_var(os.environ.get("AWS_LAMBDA_LOG_LEVEL"))

_RESERVED_FIELDS = {
    "name", "msg", "args", "levelname", "levelno", "pathname", "filename",
    "module", "exc_info", "exc_text", "stack_info", "lineno", "funcName",
    "created", "msecs", "relativeCreated", "thread", "threadName",
    "processName", "process", "aws_request_id", "tenant_id", "_frame_type",
    "taskName",
}


def _format_log_level(record):
    return min(50, max(0, record.levelno)) // 10 * 10


class JsonFormatter(logging.Formatter):
    def __init__(self):
        super().__init__(datefmt=_DATETIME_FORMAT)
        self._encode = json.JSONEncoder(ensure_ascii=False).encode

    def formatTime(self, record, datefmt=None):
        from datetime import datetime, timezone

        dt = datetime.fromtimestamp(record.created, tz=timezone.utc)
        return dt.strftime(_DATETIME_FORMAT + ".%f")[:-3] + "Z"

    def format(self, record):
        record.levelno = _format_log_level(record)
        record.levelname = logging.getLevelName(record.levelno)
        exc_info = record.exc_info
        result = {
            "timestamp": self.formatTime(record, self.datefmt),
            "level": record.levelname,
            "message": record.getMessage(),
            "logger": record.name,
            "stackTrace": traceback.format_tb(exc_info[2]) if exc_info else None,
            "errorType": exc_info[0].__name__ if exc_info else None,
            "errorMessage": str(exc_info[1]) if exc_info else None,
            "requestId": getattr(record, "aws_request_id", None),
            "location": f"{record.pathname}:{record.funcName}:{record.lineno}" if exc_info else None,
        }
        if getattr(record, "tenant_id", None) is not None:
            result["tenantId"] = record.tenant_id
        result.update(
            (key, value)
            for key, value in record.__dict__.items()
            if key not in _RESERVED_FIELDS and key not in result
        )
        result = {k: v for k, v in result.items() if v is not None}
        return self._encode(result) + "\n"


class StandardLogSink(object):
    """Writes log records to stdout, one line each: embedded newlines become
    \\r, as records stay whole in Lambda's log stream."""

    def log(self, msg, frame_type=None):
        if msg.endswith("\n"):
            msg = msg[:-1]
        sys.stdout.write(msg.replace("\n", "\r") + "\n")

    def log_error(self, message_lines):
        sys.stdout.write(ERROR_LOG_LINE_TERMINATE.join(message_lines).replace("\n", "\r") + "\n")


if _AWS_LAMBDA_LOG_FORMAT == LogFormat.JSON:

    def log_error(error_result, log_sink):
        error_result = {
            "timestamp": time.strftime(_DATETIME_FORMAT, logging.Formatter.converter(time.time())),
            "level": "ERROR",
            **error_result,
        }
        log_sink.log_error([to_json(error_result)])

else:

    def log_error(error_result, log_sink):
        error_description = "[ERROR]"
        error_result_type = error_result.get("errorType")
        if error_result_type:
            error_description += " " + error_result_type
        error_result_message = error_result.get("errorMessage")
        if error_result_message:
            if error_result_type:
                error_description += ":"
            error_description += " " + error_result_message
        error_message_lines = [error_description]
        stack_trace = error_result.get("stackTrace")
        if stack_trace is not None:
            error_message_lines += ["Traceback (most recent call last):"]
            for trace_element in stack_trace:
                if trace_element == "":
                    error_message_lines += [""]
                else:
                    for trace_line in trace_element.splitlines():
                        error_message_lines += [
                            replace_line_indentation(trace_line, " ", ERROR_LOG_IDENT)
                        ]
        log_sink.log_error(error_message_lines)


class LambdaLoggerHandler(logging.Handler):
    def __init__(self, log_sink):
        logging.Handler.__init__(self)
        self.log_sink = log_sink

    def emit(self, record):
        self.log_sink.log(self.format(record))


class LambdaLoggerFilter(logging.Filter):
    def filter(self, record):
        record.aws_request_id = _GLOBAL_AWS_REQUEST_ID or ""
        record.tenant_id = _GLOBAL_TENANT_ID
        return True


class Unbuffered(object):
    def __init__(self, stream):
        self.stream = stream

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_value, exc_tb):
        pass

    def __getattr__(self, attr):
        return getattr(self.stream, attr)

    def write(self, msg):
        self.stream.write(msg)
        self.stream.flush()

    def writelines(self, msgs):
        self.stream.writelines(msgs)
        self.stream.flush()


_GLOBAL_AWS_REQUEST_ID = None
_GLOBAL_TENANT_ID = None


def _setup_logging(log_format, log_level, log_sink):
    logging.Formatter.converter = time.gmtime
    logger = logging.getLogger()
    handler = LambdaLoggerHandler(log_sink)
    if log_format == LogFormat.JSON:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(
            logging.Formatter(
                "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n",
                "%Y-%m-%dT%H:%M:%S",
            )
        )
    if log_level in logging._nameToLevel:
        logger.setLevel(log_level)
    handler.addFilter(LambdaLoggerFilter())
    logger.addHandler(handler)


# ---------------------------------------------------------------------------
# The invoke loop


def parse_json_header(header, name):
    try:
        return json.loads(header)
    except Exception as e:
        raise FaultException(
            FaultException.LAMBDA_CONTEXT_UNMARSHAL_ERROR,
            "Unable to parse {} JSON: {}".format(name, str(e)),
            None,
        )


def create_lambda_context(
    client_context_json,
    cognito_identity_json,
    epoch_deadline_time_in_ms,
    invoke_id,
    invoked_function_arn,
    tenant_id,
):
    client_context = None
    if client_context_json:
        client_context = parse_json_header(client_context_json, "Client Context")
    cognito_identity = None
    if cognito_identity_json:
        cognito_identity = parse_json_header(cognito_identity_json, "Cognito Identity")
    return LambdaContext(
        invoke_id,
        client_context,
        cognito_identity,
        epoch_deadline_time_in_ms,
        invoked_function_arn,
        tenant_id,
    )


def handle_event_request(lambda_runtime_client, request_handler, req, log_sink):
    error_result = None
    invoke_id = req.invoke_id
    try:
        lambda_context = create_lambda_context(
            req.client_context,
            req.cognito_identity,
            req.deadline_time_in_ms,
            invoke_id,
            req.invoked_function_arn,
            req.tenant_id,
        )
        event = lambda_runtime_client.marshaller.unmarshal_request(req.event_body, req.content_type)
        response = request_handler(event, lambda_context)
        result, result_content_type = lambda_runtime_client.marshaller.marshal_response(response)
    except FaultException as e:
        error_result = make_error(e.msg, e.exception_type, e.trace, invoke_id)
    except Exception:
        etype, value, tb = sys.exc_info()
        error_result = make_error(
            _with_hint(str(value), value),
            etype.__name__,
            traceback.format_list(_user_frames(tb)),
            invoke_id,
        )

    if error_result is not None:
        log_error(error_result, log_sink)
        lambda_runtime_client.post_invocation_error(
            invoke_id, to_json(error_result), error_result["errorType"]
        )
    else:
        lambda_runtime_client.post_invocation_result(invoke_id, result, result_content_type)


def run(handler, lambda_runtime_client):
    global _GLOBAL_AWS_REQUEST_ID, _GLOBAL_TENANT_ID
    sys.stdout = Unbuffered(sys.stdout)
    sys.stderr = Unbuffered(sys.stderr)
    log_sink = StandardLogSink()
    try:
        _setup_logging(_AWS_LAMBDA_LOG_FORMAT, _AWS_LAMBDA_LOG_LEVEL, log_sink)
        request_handler = _get_handler(handler)
    except Exception as e:
        if isinstance(e, FaultException):
            error_result = make_error(e.msg, e.exception_type, e.trace)
        else:
            error_result = build_fault_result(sys.exc_info(), None)
        logging.warning(LAMBDA_UNHANDLED_EXCEPTION_WARNING_MESSAGE)
        log_error(error_result, log_sink)
        lambda_runtime_client.post_init_error(error_result)
        sys.exit(1)

    while True:
        req = lambda_runtime_client.wait_next_invocation()
        _GLOBAL_AWS_REQUEST_ID = req.invoke_id
        _GLOBAL_TENANT_ID = req.tenant_id
        if req.x_amzn_trace_id is not None:
            os.environ["_X_AMZN_TRACE_ID"] = req.x_amzn_trace_id
        elif "_X_AMZN_TRACE_ID" in os.environ:
            del os.environ["_X_AMZN_TRACE_ID"]
        handle_event_request(lambda_runtime_client, request_handler, req, log_sink)


def main():
    task_root = os.environ.get("LAMBDA_TASK_ROOT") or os.getcwd()
    _setup_sys_path(task_root)
    client = LambdaRuntimeClient(os.environ.get("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001"))
    run(os.environ.get("_HANDLER", ""), client)


if __name__ == "__main__":
    main()
