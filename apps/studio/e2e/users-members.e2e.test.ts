import { describe, expect, it } from "vitest";
import { admin, hasStudio, studioUrl, uniqueKey } from "../test/api-client.ts";
import { screenshot } from "./browser.ts";
import { useStudio } from "./fixture.ts";

// An administrator creates an account on the Users page, adds it to a project as a viewer on the
// project's Members page, resets its password (the generated one is shown once), and the viewer
// signs in with it and finds the Members page read-only.
describe.skipIf(!hasStudio)("users and members in the browser", () => {
  const studio = useStudio();

  it("admin creates a user and adds them as viewer; the viewer sees the members read-only", async () => {
    const { projectId } = await studio.project("Members e2e", {}, "UE2E");
    const email = `${uniqueKey("viewer").toLowerCase()}@example.com`;

    const { page: adminPage, errors } = await studio.signIn();
    await adminPage.getByTestId("admin-users-link").click();
    await adminPage.waitForURL(/\/admin\/users$/);
    await adminPage.getByTestId("new-user-name").fill("Vera Viewer");
    await adminPage.getByTestId("new-user-email").fill(email);
    await adminPage.getByTestId("new-user-password").fill("first-password-123");
    await adminPage.getByTestId("create-user").click();
    const row = adminPage.getByTestId(`user-row-${email}`);
    await row.waitFor();
    expect(await row.getByTestId("user-status").textContent()).toBe("Active");

    // A generated password, shown once, replaces the one typed above.
    await row.getByTestId("reset-password").click();
    await adminPage.getByTestId("reset-submit").click();
    const generated = (await adminPage.getByTestId("generated-password").textContent()) ?? "";
    expect(generated).toMatch(/^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/);
    await screenshot(adminPage, "admin-users-reset-password");
    await adminPage.getByTestId("reset-done").click();
    await adminPage.getByTestId("reset-password-dialog").waitFor({ state: "detached" });
    // The only active administrator cannot demote themselves: the refusal shows under their row.
    const me = adminPage.getByTestId(`user-row-${admin.email}`);
    await me.getByTestId("user-role").selectOption("USER");
    const refusal = adminPage.getByTestId(`user-row-error-${admin.email}`);
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/You are the last active administrator/);
    expect(await me.getByTestId("user-role").inputValue()).toBe("ADMIN");
    await screenshot(adminPage, "admin-users");

    await adminPage.goto(`${studioUrl}/projects/${projectId}`);
    await adminPage.getByTestId("project-members-link").waitFor();
    await screenshot(adminPage, "flow-toolbar-members-link");
    await adminPage.getByTestId("project-members-link").click();
    await adminPage.waitForURL(/\/members$/);
    await adminPage.getByTestId("member-email").fill(email);
    await adminPage.getByTestId("member-role").selectOption("VIEWER");
    await adminPage.getByTestId("add-member").click();
    const added = adminPage.getByTestId(`member-row-${email}`);
    await added.waitFor();
    expect(await added.getAttribute("data-role")).toBe("VIEWER");
    // The project's last owner cannot be demoted: the refusal shows on its row.
    const owner = adminPage.getByTestId(`member-row-${admin.email}`);
    await owner.getByTestId("member-role-select").selectOption("EDITOR");
    const refused = adminPage.getByTestId(`member-row-error-${admin.email}`);
    await refused.waitFor();
    expect(await refused.textContent()).toMatch(/You are the last owner of this project/);
    expect(await owner.getAttribute("data-role")).toBe("OWNER");
    await screenshot(adminPage, "project-members-owner");

    const { page: viewerPage, errors: viewerErrors } = await studio.signIn({ email, password: generated });
    await expect(viewerPage.getByTestId("admin-users-link").count()).resolves.toBe(0);
    await viewerPage.goto(`${studioUrl}/projects/${projectId}`);
    await viewerPage.getByTestId("project-members-link").click();
    await viewerPage.waitForURL(/\/members$/);
    await viewerPage.getByTestId("members-table").waitFor();
    expect(await viewerPage.getByTestId("members-readonly").textContent()).toMatch(/You are viewer/);
    expect(await viewerPage.getByTestId("add-member").count()).toBe(0);
    expect(await viewerPage.getByTestId("member-role-select").count()).toBe(0);
    expect(await viewerPage.getByTestId("remove-member").count()).toBe(0);
    const badges = await viewerPage.getByTestId("member-role-badge").allTextContents();
    expect(badges).toEqual(["Owner", "Viewer"]);
    await screenshot(viewerPage, "project-members-viewer");
    // The admin page is not there for a user.
    await viewerPage.goto(`${studioUrl}/admin/users`);
    await viewerPage.getByTestId("not-found").waitFor();
    expect(await viewerPage.getByTestId("users-table").count()).toBe(0);
    expect(errors).toEqual([]);
    expect(viewerErrors).toEqual([]);
  });
});
