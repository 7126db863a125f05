module.exports = require('./jest-snapshots')('cdktn');
