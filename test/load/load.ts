import { DEFAULT_LOAD, QUICK_LOAD, runLoad } from './load-run';

/** `npm run load [-- --faults] [--quick]`: prints each phase, then the whole report as one JSON line; exit 1 if a promise broke. */
const args = new Set(process.argv.slice(2));
const settings = args.has('--quick') ? QUICK_LOAD : DEFAULT_LOAD;
runLoad({ ...settings, faults: args.has('--faults'), log: (line) => console.log(line) }).then(
  (report) => {
    console.log(JSON.stringify(report));
    process.exitCode = report.ok ? 0 : 1;
  },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
