import Crypto
import Testing

@Suite("Constant-time comparison")
struct ConstantTimeTests {
  @Test("equal byte arrays compare equal")
  func equal() {
    #expect(ConstantTime.equals([1, 2, 3], [1, 2, 3]))
    #expect(ConstantTime.equals([], []))
  }

  @Test("arrays that differ in one byte compare unequal")
  func differentContents() {
    #expect(!ConstantTime.equals([1, 2, 3], [1, 2, 4]))
    #expect(!ConstantTime.equals([0, 2, 3], [1, 2, 3]))
  }

  @Test("arrays of different lengths compare unequal")
  func differentLengths() {
    #expect(!ConstantTime.equals([1, 2, 3], [1, 2]))
    #expect(!ConstantTime.equals([], [0]))
  }
}
