// The snapshots of each Jest project (jest.config.js) in their own folder:
// __tests__/__snapshots__/<framework>/<test>.snap. The two builds' stacks differ in the framework's
// version and the provider's source and version; each build's snapshots are reviewed as they are.
const path = require('path');

/** The snapshot resolver of the project of `framework`. */
module.exports = (framework) => ({
  resolveSnapshotPath: (testPath, extension) =>
    path.join(path.dirname(testPath), '__snapshots__', framework, path.basename(testPath) + extension),
  resolveTestPath: (snapshotPath, extension) =>
    path.join(path.dirname(snapshotPath), '..', '..', path.basename(snapshotPath, extension)),
  testPathForConsistencyCheck: path.join('__tests__', 'app.test.ts'),
});
