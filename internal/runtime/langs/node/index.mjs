// hako's Lambda Runtime API client for the Node.js runtimes (nodejs18.x,
// nodejs20.x, nodejs22.x), run with the host's node. It behaves like AWS's
// aws-lambda-nodejs-runtime-interface-client: handler resolution (CommonJS and
// ES modules), the callback and async programming models, the context object,
// console patching, error JSON and exit codes are the same.
//
// Usage: node index.mjs [GLOBAL_NODE_MODULES_DIRS]
// The argument lists the host's global node_modules directories (":"-separated);
// they stand in for the AWS SDK that Lambda's runtimes bundle.

import Module, { createRequire } from 'node:module';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Writable } from 'node:stream';
import util from 'node:util';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);

// ---------------------------------------------------------------------------
// Module search paths: what NODE_PATH is on Lambda, with the layers under
// $HAKO_OPT_DIR instead of /opt and the host's global packages in place of
// /var/runtime/node_modules.

const taskRoot = process.env.LAMBDA_TASK_ROOT || process.cwd();
const runtimeName =
  (process.env.AWS_EXECUTION_ENV || '').replace(/^AWS_Lambda_/, '') ||
  `nodejs${process.versions.node.split('.')[0]}.x`;
const runtimeMajor =
  (/^nodejs(\d+)/.exec(runtimeName) || [])[1] ||
  process.versions.node.split('.')[0];
const optDir = process.env.HAKO_OPT_DIR || '';
const layerDirs = optDir
  ? [
      path.join(optDir, 'nodejs', `node${runtimeMajor}`, 'node_modules'),
      path.join(optDir, 'nodejs', 'node_modules'),
    ]
  : [];
const globalDirs = (process.argv[2] || '').split(path.delimiter).filter(Boolean);

{
  // Lambda's bootstrap sets NODE_PATH only when the function did not.
  const base = process.env.NODE_PATH || [...layerDirs, taskRoot].join(':');
  process.env.NODE_PATH = [base, ...globalDirs].filter(Boolean).join(':');
  if (typeof Module._initPaths === 'function') Module._initPaths();
}

let esmHooksRegistered = false;
// ES modules ignore NODE_PATH; Lambda resolves their bare imports from the
// layers and the bundled SDK anyway. A resolve hook does the same here.
function registerEsmHooks() {
  if (esmHooksRegistered) return;
  esmHooksRegistered = true;
  const dirs = [...layerDirs, ...globalDirs];
  if (dirs.length === 0 || typeof Module.register !== 'function') return;
  try {
    Module.register(new URL('./hooks.mjs', import.meta.url), {
      data: { dirs },
    });
  } catch (_) {
    // Older Node.js: ES modules then find only the task root's packages.
  }
}

// ---------------------------------------------------------------------------
// Errors

function isErrorLike(obj) {
  return (
    obj &&
    obj.name &&
    obj.message &&
    obj.stack &&
    typeof obj.name === 'string' &&
    typeof obj.message === 'string' &&
    typeof obj.stack === 'string'
  );
}

function intoError(err) {
  return err instanceof Error ? err : new Error(err);
}

// toRapidResponse is the error JSON the Runtime API receives.
function toRapidResponse(error) {
  try {
    if (util.types.isNativeError(error) || isErrorLike(error)) {
      return {
        errorType: error.name?.replaceAll('\x7F', '%7F'),
        errorMessage: error.message?.replaceAll('\x7F', '%7F'),
        trace: error.stack.replaceAll('\x7F', '%7F').split('\n'),
      };
    }
    return {
      errorType: typeof error,
      errorMessage: error.toString(),
      trace: [],
    };
  } catch (_) {
    return {
      errorType: 'handled',
      errorMessage:
        'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
    };
  }
}

function withEnumerableProperties(error) {
  if (error instanceof Error) {
    const ret = Object.assign(
      { errorType: error.name, errorMessage: error.message, code: error.code },
      error,
    );
    if (typeof error.stack == 'string') ret.stack = error.stack.split('\n');
    return ret;
  }
  return error;
}

// toFormatted is how errors appear in the text log (after a tab).
function toFormatted(error) {
  try {
    return '\t' + JSON.stringify(error, (_k, v) => withEnumerableProperties(v));
  } catch (_) {
    return '\t' + JSON.stringify(toRapidResponse(error));
  }
}

class ImportModuleError extends Error {}
class HandlerNotFound extends Error {}
class MalformedHandlerName extends Error {}
class UserCodeSyntaxError extends Error {}
class MalformedStreamingHandler extends Error {}
class InvalidStreamingOperation extends Error {}
class NodeJsExit extends Error {
  constructor() {
    super(
      'The Lambda runtime client detected an unexpected Node.js exit code. This is most commonly caused by a Promise that was never settled. For more information, see https://nodejs.org/docs/latest/api/process.html#exit-codes',
    );
  }
}
class UnhandledPromiseRejection extends Error {
  constructor(reason, promise) {
    super(reason);
    this.reason = reason;
    this.promise = promise;
  }
}
for (const e of [
  ImportModuleError,
  HandlerNotFound,
  MalformedHandlerName,
  UserCodeSyntaxError,
  MalformedStreamingHandler,
  InvalidStreamingOperation,
  NodeJsExit,
  UnhandledPromiseRejection,
]) {
  e.prototype.name = `Runtime.${e.name}`;
}

// sdkHint explains a missing AWS SDK for JavaScript v3 package, which
// Lambda's runtimes include and the host may lack. Empty when err is about
// something else.
function sdkHint(err) {
  const code = err?.code;
  if (code !== 'MODULE_NOT_FOUND' && code !== 'ERR_MODULE_NOT_FOUND') return '';
  const m = /Cannot find (?:module|package) '(@aws-sdk\/[^/']+)'/.exec(
    String(err.message),
  );
  if (!m) return '';
  const pkg = m[1];
  return (
    `hako runs ${runtimeName} functions with the host's Node.js (${process.execPath} ${process.version}), ` +
    `which has no ${pkg}, part of the AWS SDK for JavaScript v3 that Lambda's ${runtimeName} runtime includes: ` +
    `install it with "npm install -g ${pkg}", or ship it in the function's zip or in a layer (nodejs/node_modules).`
  );
}

// withSdkHint appends sdkHint to the message of err (or of the error it wraps).
function withSdkHint(err, cause = err) {
  const hint = sdkHint(cause);
  if (hint && err instanceof Error) {
    try {
      err.message = `${err.message}\n${hint}`;
    } catch (_) {
      // a frozen error keeps AWS's message
    }
  }
  return err;
}

// ---------------------------------------------------------------------------
// Console: Lambda's log format, on stdout (one record per line, embedded
// newlines as \r).

const REQUEST_ID = Symbol.for('aws.lambda.runtime.requestId');
const TENANT_ID = Symbol.for('aws.lambda.runtime.tenantId');
const structuredConsole = {};

const jsonErrorReplacer = (_, value) => {
  if (value instanceof Error) {
    return Object.assign(
      {
        errorType: value?.constructor?.name ?? 'UnknownError',
        errorMessage: value.message,
        stackTrace:
          typeof value.stack === 'string' ? value.stack.split('\n') : value.stack,
      },
      value,
    );
  }
  return value;
};

function formatJsonMessage(requestId, timestamp, level, ...params) {
  const result = { timestamp, level: level.name, requestId };
  const tenantId = globalThis[TENANT_ID];
  if (tenantId !== undefined && tenantId !== null) result.tenantId = tenantId;
  if (params.length === 1) {
    result.message = params[0];
    try {
      return JSON.stringify(result, jsonErrorReplacer);
    } catch (_) {
      result.message = util.format(result.message);
      return JSON.stringify(result);
    }
  }
  result.message = util.format(...params);
  for (const p of params) {
    if (p instanceof Error) {
      result.errorType = p?.constructor?.name ?? 'UnknownError';
      result.errorMessage = p.message;
      result.stackTrace = typeof p.stack === 'string' ? p.stack.split('\n') : [];
      break;
    }
  }
  return JSON.stringify(result);
}

function logText(level, message, ...params) {
  const line = `${new Date().toISOString()}\t${globalThis[REQUEST_ID]}\t${level.name}\t${util.format(message, ...params)}`;
  process.stdout.write(line.replace(/\n/g, '\r') + '\n');
}

function logJson(level, message, ...params) {
  const line = formatJsonMessage(
    globalThis[REQUEST_ID],
    new Date().toISOString(),
    level,
    message,
    ...params,
  );
  process.stdout.write(line.replace(/\n/g, '\r') + '\n');
}

function patchConsole() {
  const json = process.env.AWS_LAMBDA_LOG_FORMAT?.toUpperCase() === 'JSON';
  const log = json ? logJson : logText;
  const levels = {
    TRACE: { name: 'TRACE', priority: 1 },
    DEBUG: { name: 'DEBUG', priority: 2 },
    INFO: { name: 'INFO', priority: 3 },
    WARN: { name: 'WARN', priority: 4 },
    ERROR: { name: 'ERROR', priority: 5 },
    FATAL: { name: 'FATAL', priority: 6 },
  };
  const min =
    levels[process.env.AWS_LAMBDA_LOG_LEVEL?.toUpperCase()] ?? levels.TRACE;
  const nop = () => {};
  const at = (level) =>
    level.priority >= min.priority ? (msg, ...p) => log(level, msg, ...p) : nop;
  console.trace = at(levels.TRACE);
  console.debug = at(levels.DEBUG);
  console.info = at(levels.INFO);
  console.log = console.info;
  console.warn = at(levels.WARN);
  console.error = at(levels.ERROR);
  console.fatal = (msg, ...p) => log(levels.FATAL, msg, ...p);
  structuredConsole.logError = json
    ? (_, err) => console.error(intoError(err))
    : (msg, err) => console.error(msg, toFormatted(intoError(err)));
}

// ---------------------------------------------------------------------------
// Runtime API client: one persistent keep-alive connection, plain HTTP/1.1.
// The socket is unreferenced while no request is outstanding, so that an
// empty event loop still means "the function is done" (beforeExit).

class Connection {
  constructor(host, port, hostHeader) {
    this.hostHeader = hostHeader;
    this.dead = false;
    this.pending = null;
    this.buf = null;
    this.socket = net.connect({ host, port });
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk) => this.onData(chunk));
    this.socket.on('error', (err) => this.fail(err));
    this.socket.on('close', () =>
      this.fail(new Error('connection to the Runtime API closed')),
    );
  }

  request(method, urlPath, headers, body) {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject, status: undefined };
      let head = `${method} ${urlPath} HTTP/1.1\r\nHost: ${this.hostHeader}\r\nUser-Agent: hako-lambda-nodejs/${process.version}\r\n`;
      for (const k in headers) head += `${k}: ${headers[k]}\r\n`;
      if (body !== undefined) {
        const b = Buffer.from(body, 'utf8');
        head += `Content-Type: application/json\r\nContent-Length: ${b.length}\r\n\r\n`;
        this.socket.ref();
        this.socket.write(Buffer.concat([Buffer.from(head, 'latin1'), b]));
      } else {
        this.socket.ref();
        this.socket.write(head + '\r\n', 'latin1');
      }
    });
  }

  fail(err) {
    this.dead = true;
    const p = this.pending;
    this.pending = null;
    if (p) {
      if (p.untilClose && p.status !== undefined) {
        this.finish(p, Buffer.concat(p.chunks));
      } else {
        p.reject(err);
      }
    }
  }

  onData(chunk) {
    this.buf = this.buf ? Buffer.concat([this.buf, chunk]) : chunk;
    this.parse();
  }

  parse() {
    const p = this.pending;
    if (!p) return;
    if (p.status === undefined) {
      const end = this.buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const lines = this.buf.toString('latin1', 0, end).split('\r\n');
      this.buf = this.buf.subarray(end + 4);
      p.status = parseInt(lines[0].split(' ')[1], 10);
      p.headers = {};
      for (let i = 1; i < lines.length; i++) {
        const c = lines[i].indexOf(':');
        if (c > 0) {
          p.headers[lines[i].slice(0, c).trim().toLowerCase()] = lines[i]
            .slice(c + 1)
            .trim();
        }
      }
      p.chunks = [];
      const te = p.headers['transfer-encoding'];
      if (te && te.toLowerCase().includes('chunked')) {
        p.chunked = true;
        p.chunkLeft = -1;
      } else if (p.headers['content-length'] !== undefined) {
        p.left = parseInt(p.headers['content-length'], 10);
      } else if (p.status === 204 || p.status === 304) {
        p.left = 0;
      } else {
        p.untilClose = true;
      }
    }
    if (p.chunked) {
      for (;;) {
        if (p.chunkLeft < 0) {
          const nl = this.buf.indexOf('\r\n');
          if (nl < 0) return;
          p.chunkLeft = parseInt(this.buf.toString('latin1', 0, nl), 16);
          this.buf = this.buf.subarray(nl + 2);
          if (p.chunkLeft === 0) p.trailers = true;
        }
        if (p.trailers) {
          const nl = this.buf.indexOf('\r\n');
          if (nl < 0) return;
          const empty = nl === 0;
          this.buf = this.buf.subarray(nl + 2);
          if (empty) return this.finish(p, Buffer.concat(p.chunks));
          continue;
        }
        if (this.buf.length < p.chunkLeft + 2) return;
        p.chunks.push(this.buf.subarray(0, p.chunkLeft));
        this.buf = this.buf.subarray(p.chunkLeft + 2);
        p.chunkLeft = -1;
      }
    }
    if (p.untilClose) {
      p.chunks.push(this.buf);
      this.buf = Buffer.alloc(0);
      return;
    }
    if (this.buf.length < p.left) return;
    const body = this.buf.subarray(0, p.left);
    this.buf = this.buf.subarray(p.left);
    this.finish(p, body);
  }

  finish(p, body) {
    this.pending = null;
    if (p.headers.connection?.toLowerCase() === 'close') {
      this.dead = true;
      this.socket.destroy();
    } else if (!this.dead) {
      this.socket.unref();
    }
    p.resolve({ status: p.status, headers: p.headers, body });
  }
}

class RuntimeClient {
  constructor(hostPort) {
    const i = hostPort.lastIndexOf(':');
    this.host = hostPort.slice(0, i).replace(/^\[|\]$/g, '');
    this.port = parseInt(hostPort.slice(i + 1), 10);
    this.hostPort = hostPort;
    this.conn = null;
  }

  async request(method, urlPath, headers, body) {
    if (!this.conn || this.conn.dead) {
      this.conn = new Connection(this.host, this.port, this.hostPort);
    }
    let conn = this.conn;
    if (conn.pending) {
      // Only while an error is reported during a pending /next.
      conn = new Connection(this.host, this.port, this.hostPort);
    }
    const res = await conn.request(method, urlPath, headers, body);
    if (conn !== this.conn) conn.socket.destroy();
    return res;
  }

  async nextInvocation() {
    const res = await this.request(
      'GET',
      '/2018-06-01/runtime/invocation/next',
      {},
    );
    if (res.status !== 200) {
      throw new Error(`Failed to get next invocation, error ${res.status}`);
    }
    return { bodyJson: res.body.toString('utf8'), headers: res.headers };
  }

  postInvocationResponse(response, id, callback) {
    const body = trySerializeResponse(response);
    this.post(
      `/2018-06-01/runtime/invocation/${encodeURIComponent(id)}/response`,
      body,
      {},
      callback,
    );
  }

  postInvocationError(error, id, callback) {
    const response = toRapidResponse(error);
    this.post(
      `/2018-06-01/runtime/invocation/${encodeURIComponent(id)}/error`,
      trySerializeResponse(response),
      { 'Lambda-Runtime-Function-Error-Type': headerValue(response.errorType) },
      callback,
    );
  }

  postInitError(error, callback) {
    const response = toRapidResponse(error);
    this.post(
      '/2018-06-01/runtime/init/error',
      trySerializeResponse(response),
      { 'Lambda-Runtime-Function-Error-Type': headerValue(response.errorType) },
      callback,
    );
  }

  post(urlPath, body, headers, callback) {
    this.request('POST', urlPath, headers, body).then(
      () => callback(),
      (err) => {
        // The Runtime API is gone: hako is stopping this sandbox.
        process.stderr.write(`hako runtime client: ${err.message}\n`);
        process.exit(1);
      },
    );
  }
}

function headerValue(s) {
  return String(s ?? '').replace(/[^\x20-\x7e]/g, '');
}

function trySerializeResponse(body) {
  try {
    return JSON.stringify(body === undefined ? null : body);
  } catch (_) {
    throw new Error('Unable to stringify response body');
  }
}

// ---------------------------------------------------------------------------
// beforeExit: the single listener that ends callback-style invocations once
// the event loop is empty.

const BEFORE_EXIT = Symbol.for('aws.lambda.beforeExit');
const NO_OP = () => {};
const BeforeExitListener = {
  invoke: () => globalThis[BEFORE_EXIT](),
  reset: () => (globalThis[BEFORE_EXIT] = NO_OP),
  set: (listener) => (globalThis[BEFORE_EXIT] = listener),
};

// ---------------------------------------------------------------------------
// Loading the handler

const FUNCTION_EXPR = /^([^.]*)\.(.*)$/;
const HANDLER_STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
const HANDLER_HIGHWATERMARK = Symbol.for(
  'aws.lambda.runtime.handler.streaming.highWaterMark',
);
const STREAM_RESPONSE = 'response';

function moduleRootAndHandler(fullHandlerString) {
  const handlerString = path.basename(fullHandlerString);
  const moduleRoot = fullHandlerString.substring(
    0,
    fullHandlerString.indexOf(handlerString),
  );
  return [moduleRoot, handlerString];
}

function splitHandlerString(handler) {
  const match = handler.match(FUNCTION_EXPR);
  if (!match || match.length != 3) throw new MalformedHandlerName('Bad handler');
  return [match[1], match[2]];
}

function resolveHandler(object, nestedProperty) {
  return nestedProperty
    .split('.')
    .reduce((nested, key) => nested && nested[key], object);
}

function tryRequireFile(file, extension) {
  const p = file + (extension || '');
  return fs.existsSync(p) ? require(p) : undefined;
}

async function tryAwaitImport(file, extension) {
  const p = file + (extension || '');
  if (fs.existsSync(p)) {
    registerEsmHooks();
    return await import(pathToFileURL(p).href);
  }
  return undefined;
}

function hasFolderPackageJsonTypeModule(folder) {
  if (folder.endsWith('/node_modules')) return false;
  const pj = path.join(folder, '/package.json');
  if (fs.existsSync(pj)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(pj));
      if (pkg) return pkg.type === 'module';
    } catch (e) {
      console.warn(
        `${pj} cannot be read, it will be ignored for ES module detection purposes.`,
        e,
      );
      return false;
    }
  }
  if (folder === '/') return false;
  return hasFolderPackageJsonTypeModule(path.resolve(folder, '..'));
}

async function tryRequire(appRoot, moduleRoot, module) {
  const lambdaStylePath = path.resolve(appRoot, moduleRoot, module);
  const extensionless = tryRequireFile(lambdaStylePath);
  if (extensionless) return extensionless;

  const pjHasModule = hasFolderPackageJsonTypeModule(
    path.resolve(path.dirname(lambdaStylePath)),
  );
  if (!pjHasModule) {
    const loaded = tryRequireFile(lambdaStylePath, '.js');
    if (loaded) return loaded;
  }
  const loaded =
    (pjHasModule && (await tryAwaitImport(lambdaStylePath, '.js'))) ||
    (await tryAwaitImport(lambdaStylePath, '.mjs')) ||
    tryRequireFile(lambdaStylePath, '.cjs');
  if (loaded) return loaded;

  // Like require(module), but relative to the task root, not to this file.
  const nodeStylePath = require.resolve(module, {
    paths: [appRoot, moduleRoot],
  });
  return require(nodeStylePath);
}

async function loadUserApp(appRoot, moduleRoot, module) {
  if (
    process.env.AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA !== '1' &&
    process.env.AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA !== 'true'
  ) {
    globalThis.awslambda = {
      streamifyResponse: (handler, options) => {
        handler[HANDLER_STREAMING] = STREAM_RESPONSE;
        if (typeof options?.highWaterMark === 'number') {
          handler[HANDLER_HIGHWATERMARK] = parseInt(options.highWaterMark);
        }
        return handler;
      },
      HttpResponseStream,
    };
  }
  try {
    return await tryRequire(appRoot, moduleRoot, module);
  } catch (e) {
    if (e instanceof SyntaxError) {
      throw new UserCodeSyntaxError(e);
    } else if (e.code !== undefined && e.code === 'MODULE_NOT_FOUND') {
      throw withSdkHint(new ImportModuleError(e), e);
    }
    throw withSdkHint(e);
  }
}

async function loadHandler(appRoot, fullHandlerString) {
  if (fullHandlerString.includes('..')) {
    throw new MalformedHandlerName(
      `'${fullHandlerString}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`,
    );
  }
  const [moduleRoot, moduleAndHandler] = moduleRootAndHandler(fullHandlerString);
  const [module, handlerPath] = splitHandlerString(moduleAndHandler);
  const userApp = await loadUserApp(appRoot, moduleRoot, module);
  const handlerFunc = resolveHandler(userApp, handlerPath);
  if (!handlerFunc) {
    throw new HandlerNotFound(`${fullHandlerString} is undefined or not exported`);
  }
  if (typeof handlerFunc !== 'function') {
    throw new HandlerNotFound(`${fullHandlerString} is not a function`);
  }
  return handlerFunc;
}

function handlerMetadata(handler) {
  let streaming = false;
  const mark = handler[HANDLER_STREAMING];
  if (mark !== undefined && mark !== null && mark !== false) {
    if (mark !== STREAM_RESPONSE) {
      throw new MalformedStreamingHandler('Only response streaming is supported.');
    }
    streaming = STREAM_RESPONSE;
  }
  let isAsync = false;
  try {
    isAsync = handler.constructor?.name === 'AsyncFunction';
  } catch (_) {
    isAsync = false;
  }
  return { streaming, isAsync, argsNum: handler.length };
}

// ---------------------------------------------------------------------------
// Response streaming. hako buffers the stream and returns it as one response,
// as a synchronous Invoke of a streaming function does on Lambda.

class HttpResponseStream {
  static from(underlyingStream, prelude) {
    underlyingStream.setContentType(
      'application/vnd.awslambda.http-integration-response',
    );
    underlyingStream.write(JSON.stringify(prelude));
    underlyingStream.write(new Uint8Array(8));
    return underlyingStream;
  }
}

// ---------------------------------------------------------------------------
// Invocation context

const INVOKE_HEADER = {
  ClientContext: 'lambda-runtime-client-context',
  CognitoIdentity: 'lambda-runtime-cognito-identity',
  ARN: 'lambda-runtime-invoked-function-arn',
  AWSRequestId: 'lambda-runtime-aws-request-id',
  DeadlineMs: 'lambda-runtime-deadline-ms',
  XRayTrace: 'lambda-runtime-trace-id',
  TenantId: 'lambda-runtime-aws-tenant-id',
};

function parseJsonHeader(jsonString, name) {
  if (jsonString === undefined) return undefined;
  try {
    return JSON.parse(jsonString);
  } catch (err) {
    throw new Error(`Cannot parse ${name} as json: ${err.toString()}`);
  }
}

// The sandbox's configuration does not change while it runs; reading it once
// keeps process.env (a getenv per access) off the per-invocation path.
const ENV = {
  functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
  functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
  memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
  logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
  logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
};
let traceIdSet = '_X_AMZN_TRACE_ID' in process.env;

class InvokeContext {
  constructor(headers) {
    this.headers = headers; // lower-case keys
  }

  get invokeId() {
    const id = this.headers[INVOKE_HEADER.AWSRequestId];
    if (!id) throw new Error('invocation id is missing or invalid');
    return id;
  }

  updateLoggingContext() {
    globalThis[REQUEST_ID] = this.invokeId;
    globalThis[TENANT_ID] = this.headers[INVOKE_HEADER.TenantId];
  }

  attachEnvironmentData(callbackContext) {
    const trace = this.headers[INVOKE_HEADER.XRayTrace];
    if (trace) {
      process.env._X_AMZN_TRACE_ID = trace;
      traceIdSet = true;
    } else if (traceIdSet) {
      delete process.env._X_AMZN_TRACE_ID;
      traceIdSet = false;
    }
    const deadline = Number(this.headers[INVOKE_HEADER.DeadlineMs]);
    return Object.assign(
      callbackContext,
      {
        functionVersion: ENV.functionVersion,
        functionName: ENV.functionName,
        memoryLimitInMB: ENV.memoryLimitInMB,
        logGroupName: ENV.logGroupName,
        logStreamName: ENV.logStreamName,
      },
      {
        clientContext: parseJsonHeader(
          this.headers[INVOKE_HEADER.ClientContext],
          'ClientContext',
        ),
        identity: parseJsonHeader(
          this.headers[INVOKE_HEADER.CognitoIdentity],
          'CognitoIdentity',
        ),
        invokedFunctionArn: this.headers[INVOKE_HEADER.ARN],
        awsRequestId: this.headers[INVOKE_HEADER.AWSRequestId],
        tenantId: this.headers[INVOKE_HEADER.TenantId],
        getRemainingTimeInMillis: function () {
          return deadline - Date.now();
        },
      },
    );
  }
}

// buildCallbackContext returns the callback, the succeed/fail/done part of
// the context, and a function that marks the invocation complete. Only the
// first call of any of them counts.
function buildCallbackContext(client, id, scheduleNext) {
  const postError = (err, callback) => {
    structuredConsole.logError('Invoke Error', err);
    client.postInvocationError(err, id, callback);
  };
  let isCompleteInvoked = false;
  const complete = (result, callback) => {
    if (isCompleteInvoked) {
      console.error(
        'Invocation has already been reported as done. Cannot call complete more than once per invocation.',
      );
      return;
    }
    isCompleteInvoked = true;
    client.postInvocationResponse(result, id, callback);
  };
  let waitForEmptyEventLoop = true;

  const callback = function (err, result) {
    BeforeExitListener.reset();
    if (err !== undefined && err !== null) {
      postError(err, scheduleNext);
    } else if (!waitForEmptyEventLoop) {
      complete(result, scheduleNext);
    } else {
      BeforeExitListener.set(() => {
        setImmediate(() => complete(result, scheduleNext));
      });
    }
  };
  const done = (err, result) => {
    BeforeExitListener.reset();
    if (err !== undefined && err !== null) postError(err, scheduleNext);
    else complete(result, scheduleNext);
  };
  const succeed = (result) => done(null, result);
  const fail = (err) => {
    if (err === undefined || err === null) done('handled');
    else done(err, null);
  };

  let finished = false;
  const once = (fn) =>
    function () {
      if (!finished) {
        fn.apply(null, arguments);
        finished = true;
      }
    };
  const callbackContext = {
    get callbackWaitsForEmptyEventLoop() {
      return waitForEmptyEventLoop;
    },
    set callbackWaitsForEmptyEventLoop(value) {
      waitForEmptyEventLoop = value;
    },
    succeed: once(succeed),
    fail: once(fail),
    done: once(done),
  };
  return [
    once(callback),
    callbackContext,
    () => {
      isCompleteInvoked = true;
    },
  ];
}

function isPromise(obj) {
  return obj && obj.then && typeof obj.then === 'function';
}

// ---------------------------------------------------------------------------
// The invoke loop

class Runtime {
  constructor(client, handler, metadata, errorCallbacks) {
    this.client = client;
    this.handler = handler;
    this.metadata = metadata;
    this.errorCallbacks = errorCallbacks;
    this.handleOnce =
      metadata.streaming === STREAM_RESPONSE
        ? this.handleOnceStreaming
        : this.handleOnceNonStreaming;
  }

  scheduleIteration() {
    setImmediate(() => {
      this.handleOnce().then(
        () => {},
        (err) => {
          console.log(`Unexpected Top Level Error: ${err.toString()}`);
          this.errorCallbacks.uncaughtException(err);
        },
      );
    });
  }

  async handleOnceNonStreaming() {
    const { bodyJson, headers } = await this.client.nextInvocation();
    const invokeContext = new InvokeContext(headers);
    invokeContext.updateLoggingContext();
    const [callback, callbackContext, markCompleted] = buildCallbackContext(
      this.client,
      invokeContext.invokeId,
      this.scheduleIteration.bind(this),
    );
    try {
      this.setErrorCallbacks(invokeContext.invokeId);
      this.setDefaultExitListener(
        invokeContext.invokeId,
        markCompleted,
        this.metadata.isAsync,
      );
      const result = this.handler(
        JSON.parse(bodyJson),
        invokeContext.attachEnvironmentData(callbackContext),
        callback,
      );
      if (isPromise(result)) {
        result
          .then(callbackContext.succeed, callbackContext.fail)
          .catch(callbackContext.fail);
      }
    } catch (err) {
      callback(err);
    }
  }

  async handleOnceStreaming() {
    const { bodyJson, headers } = await this.client.nextInvocation();
    const invokeContext = new InvokeContext(headers);
    invokeContext.updateLoggingContext();
    const id = invokeContext.invokeId;
    const scheduleNext = this.scheduleIteration.bind(this);
    const stream = new BufferedResponseStream();
    const fail = (err) => {
      structuredConsole.logError('Invoke Error', err);
      this.client.postInvocationError(err, id, scheduleNext);
    };
    try {
      this.setErrorCallbacks(id);
      BeforeExitListener.set(() => scheduleNext());
      const ctx = invokeContext.attachEnvironmentData({
        callbackWaitsForEmptyEventLoop: false,
      });
      const handlerResult = this.handler(JSON.parse(bodyJson), stream, ctx);
      if (!isPromise(handlerResult)) {
        BeforeExitListener.reset();
        fail(
          new InvalidStreamingOperation(
            'Streaming does not support non-async handlers.',
          ),
        );
        return;
      }
      const result = await handlerResult;
      if (typeof result !== 'undefined') {
        console.warn('Streaming handlers ignore return values.');
      }
      if (!stream.writableEnded) {
        BeforeExitListener.reset();
        fail(new InvalidStreamingOperation('Response stream is not finished.'));
        return;
      }
      await stream.finished;
      BeforeExitListener.reset();
      this.client.post(
        `/2018-06-01/runtime/invocation/${encodeURIComponent(id)}/response`,
        stream.body(),
        {},
        scheduleNext,
      );
    } catch (err) {
      BeforeExitListener.reset();
      fail(err);
    }
  }

  setErrorCallbacks(invokeId) {
    this.errorCallbacks.uncaughtException = (error) => {
      this.client.postInvocationError(error, invokeId, () => process.exit(129));
    };
    this.errorCallbacks.unhandledRejection = (error) => {
      this.client.postInvocationError(error, invokeId, () => process.exit(128));
    };
  }

  setDefaultExitListener(invokeId, markCompleted, isAsync) {
    BeforeExitListener.set(() => {
      markCompleted();
      if (isAsync) {
        // An async handler whose promise never settled.
        const err = new NodeJsExit();
        structuredConsole.logError('Invoke Error', err);
        this.client.postInvocationError(err, invokeId, () =>
          this.scheduleIteration(),
        );
      } else {
        // A callback handler that never called back returns null.
        this.client.postInvocationResponse(null, invokeId, () =>
          this.scheduleIteration(),
        );
      }
    });
  }
}

// BufferedResponseStream is the responseStream of a streamified handler.
class BufferedResponseStream extends Writable {
  constructor() {
    super();
    this.chunks = [];
    this.contentType = 'application/octet-stream';
    this.finished = new Promise((resolve, reject) => {
      this.once('finish', resolve);
      this.once('error', reject);
    });
    this.finished.catch(() => {});
  }
  setContentType(type) {
    this.contentType = type;
  }
  _write(chunk, encoding, callback) {
    this.chunks.push(chunk);
    callback();
  }
  body() {
    let b = Buffer.concat(this.chunks);
    if (this.contentType === 'application/vnd.awslambda.http-integration-response') {
      const sep = b.indexOf(Buffer.alloc(8));
      if (sep >= 0) b = b.subarray(sep + 8);
    }
    return b.toString('utf8');
  }
}

// ---------------------------------------------------------------------------
// Entry point

function checkForDeprecatedCallback(metadata) {
  if (
    process.env.AWS_LAMBDA_NODEJS_DISABLE_CALLBACK_WARNING === undefined &&
    metadata.argsNum == 3 &&
    metadata.isAsync == false &&
    metadata.streaming == false
  ) {
    console.warn(
      'AWS Lambda plans to remove support for callback-based function handlers starting with Node.js 24. You will need to update this function to use an async handler to use Node.js 24 or later. For more information and to provide feedback on this change, see https://github.com/aws/aws-lambda-nodejs-runtime-interface-client/issues/137. To disable this warning, set the AWS_LAMBDA_NODEJS_DISABLE_CALLBACK_WARNING environment variable.',
    );
  }
}

async function run() {
  patchConsole();
  const client = new RuntimeClient(process.env.AWS_LAMBDA_RUNTIME_API);
  const errorCallbacks = {
    uncaughtException: (error) => {
      client.postInitError(error, () => process.exit(129));
    },
    unhandledRejection: (error) => {
      client.postInitError(error, () => process.exit(128));
    },
  };
  process.on('uncaughtException', (error) => {
    structuredConsole.logError('Uncaught Exception', error);
    errorCallbacks.uncaughtException(error);
  });
  process.on('unhandledRejection', (reason, promise) => {
    const error = new UnhandledPromiseRejection(reason, promise);
    structuredConsole.logError('Unhandled Promise Rejection', error);
    errorCallbacks.unhandledRejection(error);
  });
  BeforeExitListener.reset();
  process.on('beforeExit', BeforeExitListener.invoke);

  let handler, metadata;
  try {
    handler = await loadHandler(taskRoot, process.env._HANDLER || '');
    metadata = handlerMetadata(handler);
  } catch (error) {
    // What an init failure looks like on Lambda: reported as an uncaught
    // exception, then exit 129.
    structuredConsole.logError('Uncaught Exception', error);
    errorCallbacks.uncaughtException(error);
    return;
  }
  checkForDeprecatedCallback(metadata);
  new Runtime(client, handler, metadata, errorCallbacks).scheduleIteration();
}

run();
