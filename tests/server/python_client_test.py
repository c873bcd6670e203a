#!/usr/bin/env python3
"""A Python gRPC client against `callredact serve` (Debian python3-grpcio, python3-protobuf).

Message classes come from `python3 -m grpc_tools.protoc` when python3-grpc-tools is
installed, else from plain `protoc --python_out`; the RPCs are called through grpc's
generic channel methods with the messages' serializers, so no generated stubs are needed.

Exit 0: pass; 1: fail; 77: skipped (ctest SKIP_RETURN_CODE), e.g. `serve` not wired yet.
"""
import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time


def fail(msg):
    print("FAIL:", msg, file=sys.stderr)
    sys.exit(1)


def generate_messages(proto_root, protoc, out_dir):
    proto = "callredact/v1/redactor.proto"
    try:
        import grpc_tools  # noqa: F401
        cmd = [sys.executable, "-m", "grpc_tools.protoc"]
    except ImportError:
        cmd = [protoc]
    subprocess.run(cmd + ["-I", proto_root, "--python_out", out_dir, proto], check=True)
    sys.path.insert(0, out_dir)
    from callredact.v1 import redactor_pb2  # pylint: disable=import-outside-toplevel
    return redactor_pb2


def start_server(binary):
    proc = subprocess.Popen([binary, "serve", "--listen", "127.0.0.1:0",
                             "--drain-timeout-ms", "5000"],
                            stderr=subprocess.PIPE, text=True)
    port = None
    deadline = time.time() + 60
    while time.time() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        m = re.search(r"serving callredact\.v1\.Redactor on \S*:(\d+)", line)
        if m:
            port = int(m.group(1))
            break
    if port is None:
        proc.wait(timeout=10)
        if proc.returncode == 2:
            print("SKIP: `callredact serve` is not wired yet", file=sys.stderr)
            sys.exit(77)
        fail("server did not start (exit %s)" % proc.returncode)
    # Keep draining stderr so the server never blocks on a full pipe.
    threading.Thread(target=lambda: [None for _ in proc.stderr], daemon=True).start()
    return proc, port


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--proto-root", required=True)
    ap.add_argument("--protoc", default="protoc")
    args = ap.parse_args()

    import grpc  # pylint: disable=import-outside-toplevel

    tmp = tempfile.mkdtemp(prefix="callredact_py_")
    pb = generate_messages(args.proto_root, args.protoc, tmp)
    proc, port = start_server(args.binary)
    try:
        channel = grpc.insecure_channel("127.0.0.1:%d" % port)
        grpc.channel_ready_future(channel).result(timeout=30)
        stream = channel.stream_stream(
            "/callredact.v1.Redactor/RedactStream",
            request_serializer=pb.RedactRequest.SerializeToString,
            response_deserializer=pb.RedactResponse.FromString)
        unary = channel.unary_unary(
            "/callredact.v1.Redactor/Redact",
            request_serializer=pb.Call.SerializeToString,
            response_deserializer=pb.RedactedCall.FromString)

        def chunk(seq, speaker, text, start_ms):
            c = pb.Chunk(seq=seq, is_final=True, text=text)
            if speaker is None:
                c.source = pb.SCREEN
            else:
                c.source = pb.TRANSCRIPT
                c.speaker = speaker
                t = start_ms
                for w in text.split():
                    c.words.add(text=w, start_ms=t, end_ms=t + 180)
                    t += 200
            return c

        chunks = [
            chunk(0, pb.AGENT, "Can I have your ID number please?", 1000),
            chunk(1, pb.CUSTOMER, "eight oh oh one oh one", 3000),
            chunk(2, pb.CUSTOMER, "five oh oh nine oh eight seven", 4300),
            chunk(3, pb.AGENT, "Thank you Mrs Nkosi.", 7000),
            chunk(4, None, "Customer: Thandi Nkosi | ID Number: 800101 5009 087", 0),
        ]
        secrets = ["eight oh oh one", "five oh oh nine", "800101 5009 087"]

        def requests():
            yield pb.RedactRequest(config=pb.CallConfig(call_id="py-1"))
            for c in chunks:
                yield pb.RedactRequest(chunk=c)

        out = [r.chunk for r in stream(requests(), timeout=60)]
        if sorted(c.seq for c in out) != [0, 1, 2, 3, 4]:
            fail("expected one RedactedChunk per chunk, got seqs %s" % [c.seq for c in out])
        for c in out:
            for s in secrets:
                if s in c.text:
                    fail("seq %d released a raw value" % c.seq)
        types = {pb.EntityType.Name(e.type) for c in out for e in c.events}
        if "ZA_ID_NUMBER" not in types:
            fail("no ZA_ID_NUMBER event (got %s)" % sorted(types))
        for c in out:
            for e in c.events:
                if e.call_id != "py-1":
                    fail("event call_id %r" % e.call_id)

        # Unary Redact gives the same chunks.
        call = pb.Call(config=pb.CallConfig(call_id="py-1"), chunks=chunks)
        batch = unary(call, timeout=60)
        by_seq = {c.seq: c for c in out}
        for c in batch.chunks:
            if c != by_seq[c.seq]:
                fail("unary and streaming differ at seq %d" % c.seq)

        # Bad input: a chunk before the config.
        try:
            list(stream(iter([pb.RedactRequest(chunk=chunks[1])]), timeout=30))
            fail("chunk before config was accepted")
        except grpc.RpcError as e:
            if e.code() != grpc.StatusCode.FAILED_PRECONDITION:
                fail("chunk before config: %s" % e.code())
            if "chunk before config" not in e.details():
                fail("chunk before config: message %r" % e.details())
        print("python client: OK (%d chunks, events %s)" % (len(out), sorted(types)))
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            code = proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            fail("server did not exit after SIGTERM")
    if code != 0:
        fail("server exit code %d after SIGTERM" % code)
    return 0


if __name__ == "__main__":
    sys.exit(main())
