using OpenIm.Lab;
using OpenIm.Lab.Fronts;
using OpenIm.Lab.Seed;

// One executable serves the fronts, seeds the backends and checks the seed, so the lab builds a single project.
var quick = args.Length == 4 && args[0] == "verify" && args[3] == "--quick";
if ((args.Length != 3 && !quick) || args[1] != "--config")
{
    return Usage();
}

var config = LabConfig.Load(args[2]);
return args[0] switch
{
    "serve" => await FrontHost.RunAsync(config),
    "seed" => await Seeder.RunAsync(config),
    "verify" => await SeedCheck.RunAsync(config, quick),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: LabFront serve|seed|verify --config <file>   (verify also takes --quick)");
    return 2;
}
