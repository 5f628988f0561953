using PainPro.Ingestion;
using PainPro.ServiceDefaults;
using PainPro.ServiceDefaults.Messaging;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddIngestion();
builder.AddPainProBus();

var app = builder.Build();
app.MapServiceDefaults();
app.MapIngestion();
app.Run();
