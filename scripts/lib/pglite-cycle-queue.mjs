// @ts-check
// A replacement for pglite-socket's query queue that keeps each connection's protocol cycle
// whole. pglite-socket (0.2.x) serialises *messages*, not queries: with several pooled
// connections, connection A's Parse can be followed by connection B's Bind, and the unnamed
// prepared statement of one is bound with the parameters of the other ("bind message supplies
// 19 parameters, but prepared statement "" requires 3"). Here a connection owns PGlite from its
// first message until the end of its cycle — a Sync or a simple Query, or the end of its
// transaction if it opened one — and other connections wait their turn, in arrival order.
//
// It implements the interface PGLiteSocketServer calls on `server.queryQueue`: enqueue,
// getQueueLength, clearQueueForHandler, clearTransactionIfNeeded.

const SYNC = 0x53 // 'S'
const QUERY = 0x51 // 'Q'
const TERMINATE = 0x58 // 'X'
const PROTOCOL_3 = 196608

/** @param {Uint8Array} message */
function endsCycle(message) {
  const type = message[0]
  if (type === SYNC || type === QUERY || type === TERMINATE) return true
  // The startup message has no type byte: length, then the protocol version.
  return message.length >= 8 && new DataView(message.buffer, message.byteOffset, message.byteLength).getInt32(4) === PROTOCOL_3
}

export class CycleQueue {
  /** @param {import('@electric-sql/pglite').PGlite} db */
  constructor(db) {
    this.db = db
    /** @type {number | null} the handler whose cycle is in progress */
    this.owner = null
    /** @type {{ handlerId: number, grant: () => void, refuse: (error: Error) => void }[]} */
    this.waiting = []
  }

  /**
   * Runs one protocol message of a handler (handlers await each message before the next).
   * @param {number} handlerId
   * @param {Uint8Array} message
   * @param {(data: Uint8Array) => void} onData
   */
  async enqueue(handlerId, message, onData) {
    await this.acquire(handlerId)
    let bytes = 0
    try {
      await this.db.runExclusive(() =>
        this.db.execProtocolRawStream(message, {
          onRawData: (data) => {
            bytes += data.length
            onData(data)
          },
        }),
      )
    } catch (error) {
      this.release(handlerId)
      throw error
    }
    if (endsCycle(message) && !this.db.isInTransaction()) this.release(handlerId)
    return bytes
  }

  /** @param {number} handlerId */
  acquire(handlerId) {
    if (this.owner === null || this.owner === handlerId) {
      this.owner = handlerId
      return Promise.resolve()
    }
    return new Promise((grant, refuse) => this.waiting.push({ handlerId, grant: () => grant(undefined), refuse }))
  }

  /** @param {number} handlerId */
  release(handlerId) {
    if (this.owner !== handlerId) return
    const next = this.waiting.shift()
    this.owner = next ? next.handlerId : null
    next?.grant()
  }

  getQueueLength() {
    return this.waiting.length
  }

  /** A connection went away: drop what it was waiting for, and its turn if it had it. @param {number} handlerId */
  clearQueueForHandler(handlerId) {
    for (const entry of this.waiting.filter((w) => w.handlerId === handlerId)) entry.refuse(new Error('Handler disconnected'))
    this.waiting = this.waiting.filter((w) => w.handlerId !== handlerId)
  }

  /** …and roll back the transaction it left open. @param {number} handlerId */
  async clearTransactionIfNeeded(handlerId) {
    if (this.owner !== handlerId) return
    if (this.db.isInTransaction()) await this.db.exec('ROLLBACK')
    this.release(handlerId)
  }
}

/**
 * pglite-socket handles each socket read in its own async call, so when one message spans
 * several reads (a Bind carrying a page of Stripe objects), a later read's call can take the
 * messages after it out of the shared buffer while an earlier call is still awaiting PGlite:
 * a connection's Describe and Execute ran before its own Bind ("portal "" does not exist" on
 * every backfill into the embedded database). Reads of one connection are handled one after
 * another here, in arrival order.
 * @param {typeof import('@electric-sql/pglite-socket').PGLiteSocketHandler} Handler
 */
export function handleReadsInOrder(Handler) {
  const proto = /** @type {any} */ (Handler.prototype)
  if (proto.__readsInOrder) return
  const handleData = proto.handleData
  proto.handleData = function (/** @type {Buffer} */ data) {
    const previous = this.__reads ?? Promise.resolve()
    const next = previous.then(() => handleData.call(this, data))
    // A failed read is reported by the caller (it closes the socket); later reads still queue.
    this.__reads = next.catch(() => {})
    return next
  }
  proto.__readsInOrder = true
}
