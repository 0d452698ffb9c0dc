// Profiling aid: `node --cpu-prof --import tsx bench/profile-embedded.ts [pipeline]`
import { embedded, nodePipeline } from './ledger.ts';
if (process.argv[2] === 'pipeline') console.log(await nodePipeline(true));
else console.log(await embedded(true));
process.exit(0);
