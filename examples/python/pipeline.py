#!/usr/bin/python3
"""The whole pipeline from Python, against a suite secured as shipped.

Enrols a sample patient (screening, then week 1's plan), moves the suite's
test clock past week 1, logs every planned day of it, advances the programme
and reads what changed and why. Uses Debian's python3-grpcio and
python3-protobuf, and the code the build generates from protos/ into
<build>/examples/python (protoc with grpc_python_plugin).

    scripts/harness.sh up        # containers where podman runs, else native
    /usr/bin/python3 examples/python/pipeline.py --generated=build/examples/python \
        --clinician-token="$(scripts/harness.sh token clinician)" \
        --operator-token="$(scripts/harness.sh token operator)"

The endpoints and files default to what `scripts/harness.sh env` prints.
Exit 0 when the programme reached week 2; 1 with the failed call's status.
"""

import argparse
import datetime
import os
import sys
import uuid


def parse_arguments():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    secrets = os.path.join(root, "deploy", "local", "secrets")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generated", required=True, help="the generated Python code (<build>/examples/python)")
    parser.add_argument("--progress", default=os.environ.get("OSTEOFLOW_PROGRESS", "127.0.0.1:50054"))
    parser.add_argument("--ca", default=os.environ.get("OSTEOFLOW_CA_FILE", os.path.join(secrets, "ca.pem")))
    parser.add_argument("--cert", default=os.environ.get("OSTEOFLOW_CLIENT_CERT_FILE",
                                                         os.path.join(secrets, "harness.pem")))
    parser.add_argument("--key", default=os.environ.get("OSTEOFLOW_CLIENT_KEY_FILE",
                                                        os.path.join(secrets, "harness.key")))
    parser.add_argument("--clinician-token", required=True, help="a clinician's bearer token")
    parser.add_argument("--operator-token", required=True, help="an operator's bearer token (moves the clock)")
    parser.add_argument("--samples", default=os.path.join(root, "samples"))
    parser.add_argument("--sample", default="osteopenia-no-fractures")
    return parser.parse_args()


def main():
    args = parse_arguments()
    sys.path.insert(0, args.generated)
    # Imported here: the generated code's place is an argument.
    import grpc
    from google.protobuf import duration_pb2, json_format
    from osteoflow.progress.v1 import progress_service_pb2 as progress
    from osteoflow.progress.v1 import progress_service_pb2_grpc as progress_grpc
    from osteoflow.testing.v1 import test_clock_pb2 as clock
    from osteoflow.testing.v1 import test_clock_pb2_grpc as clock_grpc

    def read(path):
        with open(path, "rb") as file:
            return file.read()

    credentials = grpc.ssl_channel_credentials(read(args.ca), read(args.key), read(args.cert))
    channel = grpc.secure_channel(args.progress, credentials)
    programmes = progress_grpc.ProgressServiceStub(channel)
    suite_clock = clock_grpc.TestClockServiceStub(channel)
    as_clinician = [("authorization", "Bearer " + args.clinician_token.strip())]
    as_operator = [("authorization", "Bearer " + args.operator_token.strip())]

    # Week 1 starts next Monday, so all of it lies ahead until the clock moves.
    today = datetime.date.today()
    monday = today + datetime.timedelta(days=7 - today.weekday())
    run = uuid.uuid4().hex[:12]
    enrol = progress.EnrollRequest(request_id="python-enrol-" + run, start_date=monday.isoformat())
    json_format.Parse(read(os.path.join(args.samples, "intakes", args.sample + ".json")), enrol.intake)
    json_format.Parse(read(os.path.join(args.samples, "preferences", args.sample + ".json")), enrol.preferences)
    enrol.intake.patient_id = "python-" + run
    programme = programmes.Enroll(enrol, metadata=as_clinician, timeout=15)
    print(f"enrolled {programme.name}: week {programme.week_index}, "
          f"{sum(len(session.items) for day in programme.current_plan.days for session in day.sessions)} planned items")

    moved = suite_clock.AdvanceClock(clock.AdvanceClockRequest(by=duration_pb2.Duration(seconds=14 * 86400)),
                                     metadata=as_operator, timeout=15)
    print(f"clock moved 14 days on {', '.join(moved.moved)}")

    logged = 0
    for day in programme.current_plan.days:
        if not day.sessions:
            continue
        session = progress.LogSessionRequest(program=programme.name,
                                             request_id=f"python-log-{run}-{day.date}")
        session.session.date = day.date
        programmes.LogSession(session, metadata=as_clinician, timeout=15)
        logged += 1
    print(f"logged {logged} sessions of week 1")

    advanced = programmes.AdvanceWeek(progress.AdvanceWeekRequest(program=programme.name,
                                                                  request_id="python-advance-" + run),
                                      metadata=as_clinician, timeout=15)
    report = programmes.GetProgress(progress.GetProgressRequest(program=programme.name),
                                    metadata=as_clinician, timeout=15)
    print(f"advanced to week {advanced.week_index}; {len(report.decisions)} progression decisions, "
          f"each naming its rules")
    return 0 if advanced.week_index == 2 else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as error:  # a failed call: its status, never a trace of patient data
        code = getattr(error, "code", None)
        details = getattr(error, "details", None)
        if callable(code) and callable(details):
            print(f"call failed: {code().name}: {details()}", file=sys.stderr)
            sys.exit(1)
        raise
