// The deploy tests run the Linux installer with bash and the Windows scripts' dry runs in the Linux pwsh tool: they run
// on Linux, where the test command runs. What only Windows can confirm is listed in the README's Install section.
[assembly: System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
