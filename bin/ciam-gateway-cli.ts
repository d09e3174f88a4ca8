#!/usr/bin/env -S npx tsx
/** `ciam-gateway` (`npm run -s cli -- …`): brand onboarding and management through the admin API. */
import { runCli } from '../lib/cli/run-cli';

runCli(process.argv.slice(2), { out: (text) => console.log(text), err: (text) => console.error(text), env: process.env }).then((code) => {
  process.exitCode = code;
});
