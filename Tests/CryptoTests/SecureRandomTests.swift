import Crypto
import Testing

@Suite("Secure random bytes")
struct SecureRandomTests {
  @Test("the requested number of bytes is returned", arguments: [0, 1, 16, 32, 1000])
  func length(count: Int) {
    #expect(SecureRandom.bytes(count).count == count)
  }

  @Test("two draws of 32 bytes differ")
  func drawsDiffer() {
    // The chance of a false failure is 2^-256.
    #expect(SecureRandom.bytes(32) != SecureRandom.bytes(32))
  }
}
