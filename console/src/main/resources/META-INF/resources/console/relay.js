// A session's compute services through the relay's WebSocket: one JSON message per request,
// answers matched by id. Browsers cannot set headers on a WebSocket, so the token goes in the
// subprotocols (ot.bearer, <token>) — never in the URL.

export class RelayChannel {
  constructor(url, token) {
    this.url = url;
    this.token = token;
    this.pending = new Map();
    this.nextId = 1;
    this.socket = null;
    this.closed = null;
  }

  /** Opens the socket; rejects with the relay's reason when it refuses (close code and text). */
  open() {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(this.url, ['ot.bearer', this.token]);
      this.socket = socket;
      socket.onopen = () => resolve(this);
      socket.onmessage = (e) => this.onMessage(e.data);
      socket.onclose = (e) => {
        const why = e.reason || `the connection closed (code ${e.code})`;
        this.closed = why;
        reject(new Error(why));
        for (const {fail} of this.pending.values()) {
          fail(new Error(why));
        }
        this.pending.clear();
      };
    });
  }

  onMessage(text) {
    let message;
    try {
      message = JSON.parse(text);
    } catch (e) {
      return;
    }
    const waiting = this.pending.get(message.re);
    if (!waiting) {
      return;
    }
    this.pending.delete(message.re);
    if (message.error) {
      const error = new Error(message.error.message || message.error.code);
      error.code = message.error.code;
      waiting.fail(error);
    } else {
      waiting.done(message.result);
    }
  }

  /** Sends an action to a service of the session; resolves with its result, rejects with its error. */
  call(service, action, payload) {
    if (this.closed) {
      return Promise.reject(new Error(this.closed));
    }
    const id = `c${this.nextId++}`;
    return new Promise((done, fail) => {
      this.pending.set(id, {done, fail});
      this.socket.send(JSON.stringify({to: service, id, action, payload}));
    });
  }

  close() {
    if (this.socket) {
      this.socket.close(1000, 'done');
    }
  }
}
