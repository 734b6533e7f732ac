const { FakeClient } = require('@aws-sdk/client-fake');

exports.handler = async () => [FakeClient.name, process.env.NODE_PATH.split(':').length];
