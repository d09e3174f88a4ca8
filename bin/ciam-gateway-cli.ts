#!/usr/bin/env node
/**
 * `ciam-gateway`: brand onboarding and management through the admin API. The package's `bin` is this file compiled
 * (`dist/bin/ciam-gateway-cli.js`, plain Node); from the source, `npm run -s cli -- …`.
 */
import { runCli } from '../lib/cli/run-cli';

runCli(process.argv.slice(2), { out: (text) => console.log(text), err: (text) => console.error(text), env: process.env }).then((code) => {
  process.exitCode = code;
});
