import Kubernetes
import Testing

@Suite("Resource quantities")
struct ResourceQuantityTests {
  @Test("CPU in millicores and memory in bytes, with decimal and binary suffixes, rounded up")
  func parsing() {
    #expect(ResourceQuantity.milli("500m") == 500)
    #expect(ResourceQuantity.milli("2") == 2000)
    #expect(ResourceQuantity.milli("0.25") == 250)
    #expect(ResourceQuantity.milli("100u") == 1)
    #expect(ResourceQuantity.whole("128Mi") == 134_217_728)
    #expect(ResourceQuantity.whole("1Gi") == 1_073_741_824)
    #expect(ResourceQuantity.whole("1G") == 1_000_000_000)
    #expect(ResourceQuantity.whole("1e3") == 1000)
    #expect(ResourceQuantity.whole("1.5Ki") == 1536)
  }

  @Test("what is not a quantity is nil, not zero")
  func invalid() {
    for text in ["", "Mi", "abc", "-1", "1Xi", "1e400", "12 Mi"] { #expect(ResourceQuantity.whole(text) == nil, "\(text)") }
  }
}
