module.exports = require('./jest-snapshots')('cdktf');
