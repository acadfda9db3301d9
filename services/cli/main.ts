import { WaybillError } from '../common/index.js';

export const USAGE = `waybill: a permissioned supply-chain traceability network (GS1 EPCIS 2.0, BFT-ordered)

Usage:
  waybill network init --config <network.yaml> --out <dir>
      Write <dir>/genesis.json and, per organisation, <dir>/<org-id>/node.json with its
      private keys beside it (mode 0600).
  waybill member init --genesis <genesis.json> --config <org.yaml> --out <dir>
      For an organisation joining a running network: write <dir>/<org-id>/node.json, its keys
      (mode 0600) and <dir>/<org-id>/member.json, the signed public description to propose with
      POST /governance/members. org.yaml holds one org of a network file plus role
      (validator or observer).
  waybill node start --config <dir>/<org-id>/node.json
      Run one organisation's node (data under <dir>/<org-id>/data unless configured).
  waybill node backup --config <node.json> --out <file>
      Take a consistent copy of the running node's ledger (SQLite's online backup API, through
      POST /admin/backup with an admin token the CLI signs) and write it to <file> (mode 0600).
  waybill node restore --config <node.json> --from <file>
      Restore a backup into the node's data directory, which must be new or empty; refuses a
      backup of another network or genesis. Start the node afterwards: it catches up from its peers.
  waybill token --config <node.json> --sub <client> --role <role>[,<role>...] [--ttl <seconds>]
      Print a development JWT signed by the org's issuer key. Roles: events:write, events:read, admin.
  waybill contracts check [dir]
      Parse and type-check every custody rule in dir (default: the package's contracts/);
      prints file:line for each problem and exits 1 if there is any.
  waybill verify --genesis <genesis.json> <proof.json | ->
      Check a proof from GET /events/{eventID}/proof offline against the genesis file alone
      (docs/proofs.md): prints each check passed; exits 1 naming the first that failed.
  waybill devnet [--dir .devnet] [--config deploy/devnet.network.yaml]
      Initialise a four-organisation network if needed, run its nodes as child processes,
      print their URLs with a ready-to-paste curl example; Ctrl-C stops them all.
  waybill demo [--network .devnet] [--host <host>] [--out <dir>]
      Tell the four-organisation story against a running network (npm run devnet, or docker
      compose with --host 127.0.0.1): lots, cases, pallets, a cold-chain excursion, a refused
      shipment, a recall and an auditor's trace; writes the FSMA 204 CSV to --out; exits 1 on
      any mismatch.
  waybill --help

Environment (a flag wins over a variable, a variable over node.json):
  WAYBILL_CONFIG      node.json when --config is not given (node start, backup, restore, token)
  WAYBILL_DATA_DIR    the node's data directory instead of node.json's dataDir (node start, restore)
  WAYBILL_LOG_LEVEL   the log level instead of node.json's logLevel
`;

type Command = (args: string[]) => Promise<number>;

// Each command loads its own modules when it runs: `waybill token` or `verify` need not load
// libp2p and the node (about 2 s), and a typo is answered at once.
const COMMANDS: Record<string, Command> = {
  'network init': async (a) => (await import('./network-init.js')).runNetworkInit(a),
  'member init': async (a) => (await import('./member-init.js')).runMemberInit(a),
  'node start': async (a) => (await import('./node-start.js')).runNodeStart(a),
  'node backup': async (a) => (await import('./node-backup.js')).runNodeBackup(a),
  'node restore': async (a) => (await import('./node-backup.js')).runNodeRestore(a),
  token: async (a) => (await import('./token.js')).runToken(a),
  devnet: async (a) => (await import('./devnet.js')).runDevnet(a),
  'contracts check': async (a) => (await import('./contracts-check.js')).runContractsCheck(a),
  verify: async (a) => (await import('./verify.js')).runVerify(a),
  demo: async (a) => (await import('./demo.js')).runDemo(a),
};

/** Runs one command; returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    process.stdout.write(USAGE);
    return argv.length === 0 ? 2 : 0;
  }
  const two = argv.slice(0, 2).join(' ');
  const [name, rest] = COMMANDS[two] ? [two, argv.slice(2)] : [argv[0] ?? '', argv.slice(1)];
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`waybill: unknown command '${argv.join(' ')}'\n\n${USAGE}`);
    return 2;
  }
  try {
    return await command(rest);
  } catch (err) {
    if (err instanceof WaybillError) {
      process.stderr.write(`waybill: ${err.code}: ${err.message}\n`);
      return 1;
    }
    if (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`waybill: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    throw err;
  }
}
