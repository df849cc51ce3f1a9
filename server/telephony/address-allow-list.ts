import { BlockList, isIP } from "node:net";

/**
 * The trunk allow-list (TRUNK_ALLOW): addresses and CIDR ranges allowed to send calls.
 * Built on Node's BlockList; IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) count as IPv4.
 */
export class AddressAllowList {
  private readonly list = new BlockList();
  readonly entries: readonly string[];

  /** @throws Error naming every entry of `spec` that is not an IP address or CIDR (see {@link problems}). */
  constructor(spec: string) {
    this.entries = entriesOf(spec);
    const problems = AddressAllowList.problems(spec);
    if (problems.length > 0) throw new Error(problems.join("; "));
    for (const entry of this.entries) {
      const [address = "", bits] = entry.split("/");
      const type = isIP(address) === 4 ? "ipv4" : "ipv6";
      if (bits === undefined) this.list.addAddress(address, type);
      else this.list.addSubnet(address, Number(bits), type);
    }
  }

  /** Every entry of a comma-separated `spec` that is not an IP address or CIDR, with why; empty when all are. */
  static problems(spec: string): string[] {
    return entriesOf(spec).flatMap((entry) => {
      const [address = "", bits] = entry.split("/");
      const family = isIP(address);
      if (!family) return [`not an IP address or CIDR: "${entry}"`];
      const prefix = Number(bits);
      if (bits !== undefined && (!/^\d+$/.test(bits) || prefix > (family === 4 ? 32 : 128))) return [`bad prefix length in "${entry}"`];
      return [];
    });
  }

  allows(address: string): boolean {
    const plain = address.startsWith("::ffff:") && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
    const family = isIP(plain);
    return family !== 0 && this.list.check(plain, family === 4 ? "ipv4" : "ipv6");
  }
}

function entriesOf(spec: string): string[] {
  return spec
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}
