const { NonexistentClient } = require('@aws-sdk/client-nonexistent');

exports.handler = async () => typeof NonexistentClient;
