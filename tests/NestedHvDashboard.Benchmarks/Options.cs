namespace NestedHvDashboard.Benchmarks;

/// <summary>"--name value" pairs from the command line, with defaults.</summary>
internal sealed class Options(string[] args)
{
    public int Int(string name, int fallback)
    {
        var at = Array.IndexOf(args, "--" + name);
        if (at < 0)
        {
            return fallback;
        }

        if (at + 1 >= args.Length || !int.TryParse(args[at + 1], out var value) || value < 1)
        {
            throw new ArgumentException($"--{name} needs a whole number of at least 1.");
        }

        return value;
    }
}
