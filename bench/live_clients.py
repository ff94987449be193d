#!/usr/bin/env python3
"""Opens one /live channel per token read on stdin, then measures two phases the
driver (bench/live_channels.sh) starts through files in CTRL: one event reaching every
channel, and every channel closing when its session ends. Times are measured from the
driver's acknowledgement (monotonic clock). Loopback only; a minimal RFC 6455 client
(server frames are unmasked; it never sends data). Prints one JSON line."""
import asyncio, base64, json, os, sys, time, urllib.request

PORT = int(sys.argv[1]); CTRL = sys.argv[2]; COOKIE = sys.argv[3]; VICTIM = sys.argv[4]
tokens = [line.strip() for line in sys.stdin if line.strip()]
first_event = {}   # index -> time of first text frame after the mark
closed = {}        # index -> time the channel closed
mark = [None]

async def channel(i, token, ready):
    reader, writer = await asyncio.open_connection("127.0.0.1", PORT, limit=1 << 24)
    key = base64.b64encode(os.urandom(16)).decode()
    writer.write((f"GET /live HTTP/1.1\r\nHost: 127.0.0.1:{PORT}\r\nOrigin: http://127.0.0.1:{PORT}\r\n"
                  f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                  f"Sec-WebSocket-Version: 13\r\nCookie: __Host-sessions={token}\r\n\r\n").encode())
    head = await reader.readuntil(b"\r\n\r\n")
    if b" 101 " not in head.split(b"\r\n")[0]:
        ready.append(False); return
    ready.append(True)
    try:
        while True:
            b0, b1 = await reader.readexactly(2)
            n = b1 & 0x7F
            if n == 126: n = int.from_bytes(await reader.readexactly(2), "big")
            elif n == 127: n = int.from_bytes(await reader.readexactly(8), "big")
            payload = await reader.readexactly(n)
            op = b0 & 0x0F
            if op == 1 and mark[0] is not None and i not in first_event:
                first_event[i] = time.monotonic()
            if op == 8:
                break
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    closed[i] = time.monotonic()
    writer.close()

async def rpc(name, form):
    """POSTs a server function as the console does; returns when its answer arrived."""
    def post():
        request = urllib.request.Request(f"http://127.0.0.1:{PORT}/rpc/{name}", data=form.encode(), method="POST",
            headers={"Origin": f"http://127.0.0.1:{PORT}", "Cookie": COOKIE,
                     "Content-Type": "application/x-www-form-urlencoded"})
        with urllib.request.urlopen(request, timeout=30) as answer:
            answer.read()
            if answer.status != 200: raise SystemExit(f"{name}: {answer.status}")
        return time.monotonic()
    return await asyncio.get_running_loop().run_in_executor(None, post)

def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] if values else float("nan")

async def wait_file(name):
    path = os.path.join(CTRL, name)
    for _ in range(6000):
        if os.path.exists(path):
            return float(open(path).read().strip() or 0)
        await asyncio.sleep(0.01)
    raise SystemExit(f"no {name}")

async def main():
    ready = []
    tasks = []
    for i, token in enumerate(tokens):
        tasks.append(asyncio.create_task(channel(i, token, ready)))
        if i % 200 == 199:
            await asyncio.sleep(0)
            while len(ready) < i - 400: await asyncio.sleep(0.005)
    while len(ready) < len(tokens): await asyncio.sleep(0.01)
    await asyncio.sleep(1)
    open(os.path.join(CTRL, "opened"), "w").write(str(sum(ready)))
    await wait_file("go")  # the driver has read the server's memory
    # Phase 1: one event for everyone (an unrelated session of the same user killed).
    mark[0] = True
    ack = await rpc("kill_sessions", f"ids[0]={VICTIM}")
    for _ in range(500):
        if len(first_event) >= sum(ready): break
        await asyncio.sleep(0.01)
    lat = [t - ack for t in first_event.values()]
    # Phase 2: everyone's session ends.
    ack2 = await rpc("kill_user_sessions", "user_id=2&include_mine=false")
    for _ in range(1000):
        if len(closed) >= len(tokens): break
        await asyncio.sleep(0.01)
    cl = [t - ack2 for t in closed.values()]
    print(json.dumps({"opened": sum(ready), "event_received": len(lat),
        "event_p50_ms": pct(lat, .5) * 1000, "event_p99_ms": pct(lat, .99) * 1000, "event_max_ms": max(lat) * 1000 if lat else None,
        "closed": len(cl), "close_p50_ms": pct(cl, .5) * 1000, "close_p99_ms": pct(cl, .99) * 1000, "close_max_ms": max(cl) * 1000 if cl else None}))
    for t in tasks: t.cancel()

asyncio.run(main())
