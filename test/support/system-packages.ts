/**
 * The end-to-end suites drive Ganeti's Python client (Debian package
 * python3-ganeti-rapi) and curl. On a fresh Debian machine run as root they
 * are installed here with apt-get; elsewhere the message says what to run.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const PACKAGES = ["python3-ganeti-rapi", "curl"];

function hasPythonClient(): boolean {
  return spawnSync("/usr/bin/python3", ["-c", "import ganeti.rapi.client"], { stdio: "ignore" }).status === 0;
}

function hasCurl(): boolean {
  return spawnSync("curl", ["--version"], { stdio: "ignore" }).status === 0;
}

export function requirePythonClient(): void {
  if (hasPythonClient() && hasCurl()) {
    return;
  }
  const canInstall = process.getuid?.() === 0 && existsSync("/usr/bin/apt-get");
  if (!canInstall) {
    throw new Error(`the end-to-end suites need ${PACKAGES.join(" and ")}: run "sudo apt-get install -y ${PACKAGES.join(" ")}" and try again`);
  }

  console.log(`installing ${PACKAGES.join(", ")} with apt-get for the end-to-end suites`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  let install = spawnSync("apt-get", ["install", "-y", "-q", "--no-install-recommends", ...PACKAGES], { stdio: "inherit", env });
  if (install.status !== 0) {
    spawnSync("apt-get", ["update", "-q"], { stdio: "inherit", env });
    install = spawnSync("apt-get", ["install", "-y", "-q", "--no-install-recommends", ...PACKAGES], { stdio: "inherit", env });
  }
  if (install.status !== 0 || !hasPythonClient()) {
    throw new Error(`installing ${PACKAGES.join(" ")} failed; install them by hand and try again`);
  }
}
