import Crypto
import Testing

@Suite("HMAC-SHA-256")
struct HMACSHA256Tests {
  @Test("RFC 4231 test case 1 is reproduced")
  func rfc4231Case1() {
    let key = [UInt8](repeating: 0x0b, count: 20)
    let tag = HMACSHA256.authenticate(Array("Hi There".utf8), key: key)
    #expect(tag.hexString == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
  }

  @Test("RFC 4231 test case 2 (key shorter than the block) is reproduced")
  func rfc4231Case2() {
    let tag = HMACSHA256.authenticate(
      Array("what do ya want for nothing?".utf8), key: Array("Jefe".utf8))
    #expect(tag.hexString == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
  }

  @Test("an empty key and an empty message are accepted")
  func emptyInputs() {
    // Well-known value: HMAC-SHA-256 with an empty key over an empty message.
    let tag = HMACSHA256.authenticate([], key: [])
    #expect(tag.hexString == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")
  }
}
