using PainPro.AllInOne;
using PainPro.Ingestion;
using PainPro.Messaging;
using PainPro.Portal;
using PainPro.Scheduling;
using PainPro.ServiceDefaults;
using PainPro.ServiceDefaults.Messaging;

// All four services in one process: in-memory bus, SQLite files, dev gateways, simulated clock available.
var builder = WebApplication.CreateBuilder(args);
builder.UseAllInOneDefaults();
builder.AddServiceDefaults();
builder.AddScheduling();
builder.AddMessaging();
builder.AddIngestion();
builder.AddPortal();
builder.AddPainProBus();

var app = builder.Build();
app.MapServiceDefaults();
app.MapScheduling();
app.MapMessaging();
app.MapIngestion();
app.MapPortal();
app.Run();
