// Declares the cdktf matchers (toHaveResourceWithProperties, …) on jest's `expect` for tsc.
import 'cdktf/lib/testing/adapters/jest';
import { Testing } from 'cdktf';

Testing.setupJest();
