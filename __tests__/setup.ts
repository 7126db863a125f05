// Declares the cdktf matchers (toHaveResourceWithProperties, …) on jest's `expect` for tsc.
import 'cdktf/lib/testing/adapters/jest';
import { Testing } from 'cdktf';
import { flushCounts } from './verify/counts';
import { checkRecordedSynths } from './helpers';

Testing.setupJest();

// Every stack a test synthesized with the helpers passes the IAM catalog check, or the test fails.
afterEach(checkRecordedSynths);
afterAll(flushCounts);
