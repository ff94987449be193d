// Prints one free TCP port on 127.0.0.1 and exits. Used synchronously by
// playwright.config.ts (a config file cannot await).
//
// It tries random ports below Linux's ephemeral range (32768-60999), so no outgoing
// connection can be handed the port between this probe and the server binding it;
// port 0 (an ephemeral port) is the last resort.
import net from "node:net";

function tryListen(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once("error", () => resolve(null));
    server.listen({ port, host: "127.0.0.1", exclusive: true }, () => {
      const { port: bound } = server.address();
      server.close(() => resolve(bound));
    });
  });
}

for (let attempt = 0; attempt < 50; attempt++) {
  const candidate = 20000 + Math.floor(Math.random() * 12000);
  const port = await tryListen(candidate);
  if (port) {
    process.stdout.write(String(port));
    process.exit(0);
  }
}
const port = await tryListen(0);
if (!port) {
  console.error("free-port: could not find a free TCP port on 127.0.0.1");
  process.exit(1);
}
process.stdout.write(String(port));
