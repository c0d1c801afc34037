import Crypto
import Testing

@Suite("SHA-256")
struct SHA256Tests {
  @Test(
    "one-shot hashing matches the FIPS 180-2 vectors",
    arguments: [
      ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
      ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
      (
        "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
      ),
    ])
  func knownVectors(input: String, expected: String) {
    #expect(SHA256.hexDigest(Array(input.utf8)) == expected)
    #expect(SHA256.hash(Array(input.utf8)).count == 32)
  }

  @Test("incremental updates give the same digest as hashing in one call")
  func incrementalMatchesOneShot() {
    let message = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
    var hasher = SHA256()
    hasher.update(Array(message[..<1]))
    message[1..<4097].withUnsafeBytes { hasher.update($0) }
    hasher.update([])
    hasher.update(Array(message[4097...]))
    #expect(hasher.finalize() == SHA256.hash(message))
  }

  @Test("hex strings are lowercase with two digits per byte")
  func hexString() {
    #expect([0x00, 0x0a, 0xff, 0x7b].hexString == "000aff7b")
    #expect([UInt8]().hexString == "")
  }
}
