/**
 * A null HTTP sink for the forwarder benchmarks, run as a child process (so its work is on the other core): reads
 * each request body to the end and answers 200. Prints `listening <port>`.
 */
import {createServer} from 'node:http';
import type {AddressInfo} from 'node:net';

let requests = 0;
let bytes = 0;
const server = createServer((request, response) => {
	request.on('data', (chunk: Buffer) => (bytes += chunk.length));
	request.on('end', () => {
		requests++;
		response.writeHead(200, {'content-type': 'application/json'});
		response.end('{"status":"batch_completed"}');
	});
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
	process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => {
	process.stderr.write(`sink: ${requests} requests, ${bytes} bytes\n`);
	process.exit(0);
});
