// Profiling aid: `node --cpu-prof --import tsx bench/profile-embedded.ts [pipeline|replay] [full]`
import { embedded, nodePipeline } from './ledger.ts';
import { runReplayBench } from './replay.ts';
const quick = process.argv[3] !== 'full';
if (process.argv[2] === 'pipeline') console.log(await nodePipeline(quick));
else if (process.argv[2] === 'replay') console.log((await runReplayBench({ quick }))[0].value);
else console.log(await embedded(quick));
process.exit(0);
