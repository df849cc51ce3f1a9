import { test as setup } from "@playwright/test";
import { cli, USERS } from "./support/cli";

setup("create the accounts the tests use, with the command line", async () => {
  for (const user of Object.values(USERS)) {
    await cli("user", "add", user.username, "--role", user.role, "--password", user.password);
  }
});
