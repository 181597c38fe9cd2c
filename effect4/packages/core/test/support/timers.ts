export const countTimeouts = () => process.getActiveResourcesInfo().filter((resource) => resource === "Timeout").length
