// What the test suite needs from the operating system (Debian packages), checked before any test
// runs. Missing packages are installed when this process may (root with apt-get, as on CI and
// on a fresh machine of this project's kind); otherwise the run stops at once with the one
// command that installs them, instead of failing an hour of tests one by one.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const onPath = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

/** Each need: the Debian package that brings it and how to tell it is there. */
export const SYSTEM_NEEDS = [
  { pkg: 'mariadb-server', why: 'MariaDB for the MySQL-path tests', present: () => onPath('mariadbd') || existsSync('/usr/sbin/mariadbd') },
  { pkg: 'librdkafka-dev', why: "librdkafka's mock cluster, the tests' Kafka broker", present: () => existsSync('/usr/include/librdkafka/rdkafka_mock.h') },
  { pkg: 'gcc', why: 'to compile the mock broker', present: () => onPath('gcc') },
  { pkg: 'libc6-dev', why: 'to compile the mock broker', present: () => existsSync('/usr/include/stdio.h') },
  { pkg: 'iproute2', why: 'network namespaces for the cluster-across-hosts test', present: () => onPath('ip') || existsSync('/usr/sbin/ip') },
  { pkg: 'nftables', why: 'cutting a host off in the cluster-across-hosts test', present: () => onPath('nft') || existsSync('/usr/sbin/nft') },
  { pkg: 'chromium', why: 'the portal tests in a real browser', present: () => onPath('chromium') },
  { pkg: 'fonts-noto-cjk', why: "Chinese text in the portal's screenshots", present: () => existsSync('/usr/share/fonts/opentype/noto') },
  { pkg: 'nginx', why: "nginx -t on deploy/'s reverse-proxy example", present: () => onPath('nginx') || existsSync('/usr/sbin/nginx') },
  { pkg: 'systemd', why: "systemd-analyze verify on deploy/'s service unit", present: () => onPath('systemd-analyze') },
  { pkg: 'openssl', why: 'throw-away certificates for the TLS tests', present: () => onPath('openssl') },
];

export function missingSystemPackages() {
  return SYSTEM_NEEDS.filter((n) => !n.present());
}

/** Installs what is missing, or exits with the command to run. Returns when everything is there. */
export function ensureSystemPackages() {
  const missing = missingSystemPackages();
  if (missing.length === 0) return;
  const pkgs = [...new Set(missing.map((n) => n.pkg))];
  const command = `apt-get update && apt-get install -y --no-install-recommends ${pkgs.join(' ')}`;
  for (const n of missing) console.error(`[test] missing ${n.pkg}: ${n.why}`);
  const mayInstall = process.getuid?.() === 0 && onPath('apt-get') && process.env.TONGBAN_NO_APT !== '1';
  if (!mayInstall) {
    console.error(`[test] install them first (as root):\n  ${command}`);
    process.exit(2);
  }
  console.error(`[test] installing: ${pkgs.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const argv of [['update', '-q'], ['install', '-y', '-q', '--no-install-recommends', ...pkgs]]) {
    const r = spawnSync('apt-get', argv, { stdio: 'inherit', env });
    if (r.status !== 0) {
      console.error(`[test] apt-get ${argv[0]} failed; run it by hand:\n  ${command}`);
      process.exit(2);
    }
  }
  const still = missingSystemPackages();
  if (still.length) {
    console.error(`[test] still missing after install: ${still.map((n) => n.pkg).join(' ')}`);
    process.exit(2);
  }
}
