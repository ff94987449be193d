#!/usr/bin/env python3
"""Opens one /live channel per token read on stdin, then measures two phases the
driver (bench/live_channels.sh) starts through files in CTRL: one event reaching every
channel, and every channel closing when its session ends. Times are measured from the
driver's acknowledgement (monotonic clock). Loopback only; a minimal RFC 6455 client
(server frames are unmasked; it never sends data). Prints one JSON line.

The channels are read with one epoll loop over plain non-blocking sockets, not one
asyncio task per channel: with 10,000 channels the client must be much cheaper than the
server it measures (it shares the machine's cores with it). An asyncio stream reader
costs tens of microseconds a frame, which alone added about 200 ms to the p50."""
import base64, json, os, select, socket, sys, threading, time, urllib.request

PORT = int(sys.argv[1]); CTRL = sys.argv[2]; COOKIE = sys.argv[3]; VICTIM = sys.argv[4]
tokens = [line.strip() for line in sys.stdin if line.strip()]


def open_channel(token):
    sock = socket.create_connection(("127.0.0.1", PORT))
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((f"GET /live HTTP/1.1\r\nHost: 127.0.0.1:{PORT}\r\nOrigin: http://127.0.0.1:{PORT}\r\n"
                  f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                  f"Sec-WebSocket-Version: 13\r\nCookie: __Host-sessions={token}\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(4096)
        if not chunk:
            break
        head += chunk
    if b" 101 " not in head.split(b"\r\n")[0]:
        sock.close()
        return None, b""
    sock.setblocking(False)
    return sock, head.split(b"\r\n\r\n", 1)[1]


def frames(buffer):
    """Splits complete frames off the front of `buffer`: (opcodes, rest)."""
    ops = []
    while len(buffer) >= 2:
        n, at = buffer[1] & 0x7F, 2
        if n == 126:
            if len(buffer) < 4: break
            n, at = int.from_bytes(buffer[2:4], "big"), 4
        elif n == 127:
            if len(buffer) < 10: break
            n, at = int.from_bytes(buffer[2:10], "big"), 10
        if len(buffer) < at + n: break
        ops.append(buffer[0] & 0x0F)
        buffer = buffer[at + n:]
    return ops, buffer


class Channels:
    def __init__(self, socks):
        self.by_fd = {sock.fileno(): [i, sock, buf] for i, (sock, buf) in enumerate(socks)}
        self.poll = select.epoll()
        for fd in self.by_fd:
            self.poll.register(fd, select.EPOLLIN)

    def run(self, until, seconds, on_text=None, on_close=None):
        """Reads every readable channel until `until()` or `seconds` pass."""
        deadline = time.monotonic() + seconds
        while not until() and time.monotonic() < deadline:
            for fd, _ in self.poll.poll(0.01):
                entry = self.by_fd.get(fd)
                if entry is None: continue
                i, sock, buf = entry
                try:
                    data = sock.recv(65536)
                except BlockingIOError:
                    continue
                except ConnectionError:
                    data = b""
                now = time.monotonic()
                ops, entry[2] = frames(buf + data)
                if on_text and 1 in ops: on_text(i, now)
                if not data or 8 in ops:
                    self.poll.unregister(fd)
                    del self.by_fd[fd]
                    sock.close()
                    if on_close: on_close(i, now)


def rpc(name, form, result):
    """POSTs a server function as the console does; stores when its answer arrived."""
    request = urllib.request.Request(f"http://127.0.0.1:{PORT}/rpc/{name}", data=form.encode(), method="POST",
        headers={"Origin": f"http://127.0.0.1:{PORT}", "Cookie": COOKIE,
                 "Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        answer.read()
        if answer.status != 200: raise SystemExit(f"{name}: {answer.status}")
    result.append(time.monotonic())


def acknowledged(name, form):
    result = []
    thread = threading.Thread(target=rpc, args=(name, form, result))
    thread.start()
    return thread, result


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] if values else float("nan")


def wait_file(name):
    path = os.path.join(CTRL, name)
    for _ in range(6000):
        if os.path.exists(path): return
        time.sleep(0.01)
    raise SystemExit(f"no {name}")


def main():
    opened = [open_channel(token) for token in tokens]
    socks = [(sock, buf) for sock, buf in opened if sock is not None]
    channels = Channels(socks)
    channels.run(lambda: False, 1.0)  # whatever the server sends on opening
    open(os.path.join(CTRL, "opened"), "w").write(str(len(socks)))
    wait_file("go")  # the driver has read the server's memory
    channels.run(lambda: False, 0.2)

    # Phase 1: one event for everyone (an unrelated session of the same user killed).
    first_event = {}
    thread, ack = acknowledged("kill_sessions", f"ids[0]={VICTIM}")
    channels.run(lambda: len(first_event) >= len(socks) and ack, 5.0,
                 on_text=lambda i, t: first_event.setdefault(i, t))
    thread.join()
    lat = [t - ack[0] for t in first_event.values()]

    # Phase 2: everyone's session ends.
    closed = {}
    thread, ack2 = acknowledged("kill_user_sessions", "user_id=2&include_mine=false")
    channels.run(lambda: len(closed) >= len(socks) and ack2, 10.0,
                 on_close=lambda i, t: closed.setdefault(i, t))
    thread.join()
    cl = [t - ack2[0] for t in closed.values()]
    print(json.dumps({"opened": len(socks), "event_received": len(lat),
        "event_p50_ms": pct(lat, .5) * 1000, "event_p99_ms": pct(lat, .99) * 1000, "event_max_ms": max(lat) * 1000 if lat else None,
        "closed": len(cl), "close_p50_ms": pct(cl, .5) * 1000, "close_p99_ms": pct(cl, .99) * 1000, "close_max_ms": max(cl) * 1000 if cl else None}))


main()
