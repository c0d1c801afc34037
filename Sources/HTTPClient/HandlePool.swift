import Synchronization

/// Idle `CurlHandle`s of one `HTTPClient`, reused last-in first-out so that a sequence of
/// requests keeps hitting the handle whose connection cache holds a live connection.
///
/// Every transfer checks a handle out; concurrent transfers get new handles, and at most
/// `capacity` idle ones are kept (the rest are freed, closing their connections).
final class HandlePool: Sendable {
  private let capacity: Int
  private let idle = Mutex<[CurlHandle]>([])

  init(capacity: Int) { self.capacity = capacity }

  func checkOut() -> CurlHandle {
    idle.withLock { $0.popLast() } ?? CurlHandle()
  }

  func checkIn(_ handle: CurlHandle) {
    // Dropped outside the lock when the pool is full: its deinit closes connections.
    let surplus: CurlHandle? = idle.withLock { handles in
      guard handles.count < capacity else { return handle }
      handles.append(handle)
      return nil
    }
    _ = surplus
  }
}
