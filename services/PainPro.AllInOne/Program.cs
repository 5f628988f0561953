using PainPro.AllInOne;
using PainPro.AllInOne.Demo;
using PainPro.ServiceDefaults;

// All four services in one process: in-memory bus, SQLite files, dev gateways, a dev clock that can jump.
var builder = WebApplication.CreateBuilder(args);
builder.UseAllInOneDefaults();
builder.AddServiceDefaults();
builder.AddAllServices();
builder.AddDemo();

var app = builder.Build();
app.MapServiceDefaults();
app.MapAllServices();
app.Run();
