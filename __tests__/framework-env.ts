/**
 * The framework of this Jest project (jest.config.js), for the processes the tests start: in the
 * cdktn project `cdktf/package.json` is mapped to cdktn's, and CLICKPIPES_FRAMEWORK=cdktn makes the
 * app command, the bins and `npm run deploy|diff` use the cdktn build and CLI (scripts/framework.js).
 */
import frameworkPackage = require('cdktf/package.json');

process.env.CLICKPIPES_FRAMEWORK = frameworkPackage.name;
