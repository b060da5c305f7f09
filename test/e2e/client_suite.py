#!/usr/bin/python3
"""Drives Ganeti's own RAPI client (Debian python3-ganeti-rapi) through the
gateway. Prints one line per step, "ok NAME" or "FAIL NAME: reason", and exits
non-zero when a step fails.

Environment: GATEWAY_HOST, GATEWAY_PORT, WRITE_USER, WRITE_PASSWORD,
READ_USER, READ_PASSWORD, INSTANCE (a name the cluster can create).
"""
import os
import sys
import time

from ganeti.rapi.client import GanetiApiError, GanetiRapiClient

HOST = os.environ["GATEWAY_HOST"]
PORT = int(os.environ["GATEWAY_PORT"])
INSTANCE = os.environ["INSTANCE"]
FINAL = ("success", "error", "canceled")

writer = GanetiRapiClient(HOST, port=PORT, username=os.environ["WRITE_USER"],
                          password=os.environ["WRITE_PASSWORD"])
reader = GanetiRapiClient(HOST, port=PORT, username=os.environ["READ_USER"],
                          password=os.environ["READ_PASSWORD"])
intruder = GanetiRapiClient(HOST, port=PORT, username=os.environ["WRITE_USER"],
                            password="not-the-password")
failures = []
steps = []


def step(name):
  def run(function):
    steps.append(name)
    started = time.time()
    try:
      function()
      print("ok %s (%.1fs)" % (name, time.time() - started), flush=True)
    except Exception as err:  # pylint: disable=broad-except
      failures.append(name)
      print("FAIL %s: %s: %s" % (name, type(err).__name__, err), flush=True)
    return function
  return run


def wait_with_long_polls(job_id):
  """Waits for a job the way gnt-* tools do: /wait long-polls until final."""
  info, serial = None, None
  for _ in range(60):
    change = writer.WaitForJobChange(job_id, ["status"], info, serial)
    if change is None:
      continue
    info = change["job_info"]
    for entry in change["log_entries"]:
      serial = max(serial or 0, entry[0])
    if info[0] in FINAL:
      return info[0]
  raise AssertionError("job %s not final after 60 waits" % job_id)


def expect_success(job_id, what):
  status = wait_with_long_polls(job_id)
  if status != "success":
    raise AssertionError("%s: job %s ended %s: %s" % (what, job_id, status,
                         writer.GetJobStatus(job_id).get("opresult")))


def expect_api_error(code, function, *args):
  try:
    function(*args)
  except GanetiApiError as err:
    if err.code != code:
      raise AssertionError("expected HTTP %s, got %s (%s)" % (code, err.code, err))
    return
  raise AssertionError("expected HTTP %s, the call succeeded" % code)


NODE = writer.GetNodes()[0]


@step("version, cluster info, features, operating systems")
def _():
  assert writer.GetVersion() == 2
  info = writer.GetInfo()
  assert info["name"] and info["master"] == NODE, info
  assert isinstance(writer.GetFeatures(), list)
  assert "noop" in writer.GetOperatingSystems()


@step("nodes and instances in bulk")
def _():
  nodes = writer.GetNodes(bulk=True)
  assert any(node["name"] == NODE for node in nodes), nodes
  assert isinstance(writer.GetInstances(bulk=True), list)


@step("cluster tags add and delete")
def _():
  expect_success(writer.AddClusterTags(["e2e-cluster-tag"]), "add tag")
  assert "e2e-cluster-tag" in writer.GetClusterTags()
  expect_success(writer.DeleteClusterTags(["e2e-cluster-tag"]), "delete tag")
  assert "e2e-cluster-tag" not in writer.GetClusterTags()


@step("instance create and wait for its job")
def _():
  job = writer.CreateInstance("create", INSTANCE, "diskless", [], [{}],
                              os="noop", pnode=NODE, name_check=False,
                              ip_check=False, beparams={"memory": 128})
  expect_success(job, "create")
  assert writer.GetInstance(INSTANCE)["status"] == "running"
  assert INSTANCE in writer.GetInstances()


@step("instance shutdown, startup, reboot")
def _():
  expect_success(writer.ShutdownInstance(INSTANCE), "shutdown")
  assert writer.GetInstance(INSTANCE)["status"] == "ADMIN_down"
  expect_success(writer.StartupInstance(INSTANCE), "startup")
  assert writer.GetInstance(INSTANCE)["status"] == "running"
  expect_success(writer.RebootInstance(INSTANCE), "reboot")


@step("instance tags")
def _():
  expect_success(writer.AddInstanceTags(INSTANCE, ["e2e-a", "e2e-b"]), "add")
  assert set(["e2e-a", "e2e-b"]) <= set(writer.GetInstanceTags(INSTANCE))
  expect_success(writer.DeleteInstanceTags(INSTANCE, ["e2e-a", "e2e-b"]), "delete")
  assert not set(["e2e-a", "e2e-b"]) & set(writer.GetInstanceTags(INSTANCE))


@step("node tags and role")
def _():
  expect_success(writer.AddNodeTags(NODE, ["e2e-node"]), "add")
  assert "e2e-node" in writer.GetNodeTags(NODE)
  expect_success(writer.DeleteNodeTags(NODE, ["e2e-node"]), "delete")
  assert writer.GetNodeRole(NODE) == "master"


@step("query with a filter")
def _():
  result = writer.Query("instance", ["name", "status"], qfilter=["==", "name", INSTANCE])
  rows = result["data"]
  assert len(rows) == 1, result
  assert rows[0][0][1] == INSTANCE, result


@step("a failing job and its error result")
def _():
  job = writer.StartupInstance("nosuch.ganeti.test")
  assert wait_with_long_polls(job) == "error"
  status = writer.GetJobStatus(job)
  assert status["status"] == "error"
  assert status["opresult"][0][0] == "OpPrereqError", status["opresult"]
  assert writer.WaitForJobCompletion(job, period=0, retries=1) is False


@step("job cancel")
def _():
  job = writer.AddClusterTags(["e2e-cancel"])
  answer = writer.CancelJob(job)
  assert isinstance(answer, list), answer
  assert len(answer) == 2, answer
  assert isinstance(answer[0], bool), answer
  assert wait_with_long_polls(job) in ("success", "canceled")
  if "e2e-cancel" in writer.GetClusterTags():
    expect_success(writer.DeleteClusterTags(["e2e-cancel"]), "cleanup")


@step("instance delete")
def _():
  expect_success(writer.DeleteInstance(INSTANCE), "delete")
  expect_api_error(404, writer.GetInstance, INSTANCE)


@step("read-only user refused a write")
def _():
  assert isinstance(reader.GetClusterTags(), list)
  expect_api_error(403, reader.AddClusterTags, ["e2e-refused"])


@step("wrong password refused")
def _():
  expect_api_error(401, intruder.GetInfo)


@step("job waiting by polling, as older clients do")
def _():
  job = writer.AddClusterTags(["e2e-poll"])
  assert writer.WaitForJobCompletion(job, period=1, retries=30) is True
  expect_success(writer.DeleteClusterTags(["e2e-poll"]), "cleanup")


print("client suite: %d steps, %d failed" % (len(steps), len(failures)))
sys.exit(1 if failures else 0)
