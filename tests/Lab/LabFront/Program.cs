using OpenIm.Lab;
using OpenIm.Lab.Fronts;
using OpenIm.Lab.Seed;

// One executable both serves the fronts and seeds the backends, so the lab builds a single project.
if (args.Length != 3 || args[1] != "--config")
{
    return Usage();
}

var config = LabConfig.Load(args[2]);
return args[0] switch
{
    "serve" => await FrontHost.RunAsync(config),
    "seed" => await Seeder.RunAsync(config),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: LabFront serve --config <file> | LabFront seed --config <file>");
    return 2;
}
