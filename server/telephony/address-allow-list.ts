import { BlockList, isIP } from "node:net";

/**
 * The trunk allow-list (TRUNK_ALLOW): addresses and CIDR ranges allowed to send calls.
 * Built on Node's BlockList; IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) count as IPv4.
 */
export class AddressAllowList {
  private readonly list = new BlockList();
  readonly entries: readonly string[];

  constructor(spec: string) {
    this.entries = spec
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    for (const entry of this.entries) {
      const [address = "", bits] = entry.split("/");
      const family = isIP(address);
      if (!family) throw new Error(`not an IP address or CIDR: "${entry}"`);
      const type = family === 4 ? "ipv4" : "ipv6";
      if (bits === undefined) this.list.addAddress(address, type);
      else {
        const prefix = Number(bits);
        if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 4 ? 32 : 128)) throw new Error(`bad prefix length in "${entry}"`);
        this.list.addSubnet(address, prefix, type);
      }
    }
  }

  allows(address: string): boolean {
    const plain = address.startsWith("::ffff:") && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
    const family = isIP(plain);
    return family !== 0 && this.list.check(plain, family === 4 ? "ipv4" : "ipv6");
  }
}
