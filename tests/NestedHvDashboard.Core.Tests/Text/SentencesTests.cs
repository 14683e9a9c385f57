using NestedHvDashboard.Core.Readiness;
using NestedHvDashboard.Core.Text;

namespace NestedHvDashboard.Core.Tests.Text;

public sealed class SentencesTests
{
    [Theory]
    [InlineData("Connection refused", "start sshd.", "Connection refused. Fix: start sshd.")]
    [InlineData("Access is denied.  ", " add the account.", "Access is denied. Fix: add the account.")]
    [InlineData("Is it on?", "turn it on.", "Is it on? Fix: turn it on.")]
    [InlineData("   ", "start sshd.", "Fix: start sshd.")]
    public void A_fix_follows_the_message_as_a_sentence_of_its_own(string message, string fix, string expected) =>
        Assert.Equal(expected, Sentences.WithFix(message, fix));

    [Theory]
    [InlineData("Configuration version 7.0 is below 8.0", null, "Config version: Configuration version 7.0 is below 8.0.")]
    [InlineData("Configuration version 7.0 is below 8.0", "Update-VMVersion while the VM is off.", "Config version: Configuration version 7.0 is below 8.0. Fix: Update-VMVersion while the VM is off.")]
    [InlineData("Below 8.0.", "upgrade it.", "Config version: Below 8.0. Fix: upgrade it.")]
    public void A_check_explains_itself_in_sentences(string reason, string? fix, string expected) =>
        Assert.Equal(expected, new ReadinessCheck("vm.config-version", "Config version", ReadinessStatus.Fail, reason, fix).Explained);
}
