let count = 0;

exports.handler = async (event, context) => ({ echo: event, fn: context.functionName });
exports.sync = (event, context, callback) => {
  callback(null, { sum: event.a + event.b });
};
exports.nested = { deep: { handler: async () => 'nested' } };
exports.returnsUndefined = async () => {};
exports.syncNoCallback = () => 'ignored';
exports.succeed = (event, context) => {
  context.succeed({ ok: true });
};
exports.fail = (event, context) => {
  context.fail(new Error('failed'));
};
exports.done = (event, context) => {
  context.done(null, 'done');
};
exports.throws = async () => {
  throw new Error('boom');
};
exports.throwsSync = () => {
  throw new TypeError('bad type');
};
exports.callbackError = (event, context, callback) => {
  callback(new Error('cb failed'));
};
exports.callbackString = (event, context, callback) => {
  callback('plain string');
};
exports.custom = async () => {
  class MyError extends Error {
    constructor(m) {
      super(m);
      this.name = 'MyError';
    }
  }
  throw new MyError('mine');
};
exports.circular = async () => {
  const o = {};
  o.self = o;
  return o;
};
exports.context = async (event, context) => ({
  functionName: context.functionName,
  functionVersion: context.functionVersion,
  invokedFunctionArn: context.invokedFunctionArn,
  memoryLimitInMB: context.memoryLimitInMB,
  awsRequestId: context.awsRequestId,
  logGroupName: context.logGroupName,
  logStreamName: context.logStreamName,
  identity: context.identity,
  clientContext: context.clientContext,
  remaining: context.getRemainingTimeInMillis(),
  callbackWaitsForEmptyEventLoop: context.callbackWaitsForEmptyEventLoop,
  traceId: process.env._X_AMZN_TRACE_ID,
  keys: Object.keys(context),
});
exports.logs = async () => {
  console.log('hello %s', 'world');
  console.info('info', { a: 1 });
  console.warn('warn');
  console.error('multi\nline');
  console.debug('debug');
  console.trace('trace');
  return 'ok';
};
exports.waits = (event, context, callback) => {
  setTimeout(() => console.log('timer fired'), 50);
  callback(null, 'after timer');
};
exports.noWait = (event, context, callback) => {
  context.callbackWaitsForEmptyEventLoop = false;
  setTimeout(() => console.log('late timer'), 300);
  callback(null, 'now');
};
exports.counter = async () => ++count;
exports.unhandled = async () => {
  Promise.reject(new Error('rejected'));
  await new Promise((r) => setTimeout(r, 100));
  return 'never';
};
exports.uncaught = () => {
  setTimeout(() => {
    throw new Error('async throw');
  }, 0);
};
exports.neverSettles = async () => new Promise(() => {});
exports.notAFunction = 42;
exports.stream = awslambda.streamifyResponse(async (event, responseStream) => {
  responseStream.setContentType('text/plain');
  responseStream.write('hello ');
  await new Promise((r) => setTimeout(r, 10));
  responseStream.end('stream');
});
